/**
 * The app factory: wires request ids, the 404/405 gate, the public API, the
 * control API, health and the OpenAPI documents, the docs and dashboard pages,
 * and the one error handler.
 * Opens nothing itself: the store and clock come in as dependencies.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { API_PREFIX } from '../spec/api-routes.js';
import { CONTROL_PREFIX } from '../spec/control-routes.js';
import { buildApiDocument, buildControlDocument, toYaml } from '../spec/documents.js';
import { createApiApp } from './api/api-app.js';
import type { AppDeps } from './app-env.js';
import { createControlApp } from './control/control-app.js';
import { createDashboardApp } from './dashboard/dashboard-app.js';
import { UI_PREFIX } from './dashboard/dashboard-page.js';
import { createDocsApp, DOCS_PREFIX } from './docs/docs-app.js';
import { AppError, clientClosed, controlErrors, errors, fromHttpException, writeError } from './errors.js';
import { journalStage } from './journal/journal-stage.js';
import { controlAuth } from './middleware/control-auth.js';
import { knownRoutes } from './middleware/known-routes.js';
import { sendJsonText, toJsonText } from './json-text.js';

/**
 * @example
 * const app = createApp({ store, clock, version: '1.0.0' });
 * const res = await app.request('/api/v1/balance', { headers: { 'X-API-Key': 'mk_test_alice' } });
 */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.use(requestId());
  app.use(`${API_PREFIX}/*`, journalStage(deps));
  app.use(knownRoutes(() => app.routes));

  app.get('/health', (c) => c.json({ status: 'ok', version: deps.version }));
  // The served documents name this sandbox first (its origin as the client reached it), so a client
  // generated from them talks to the sandbox, not to the paid live API. Built once per origin.
  const apiYaml = servedDocument((origin) => toYaml(buildApiDocument({ sandboxOrigin: origin })));
  const controlYaml = servedDocument((origin) => toYaml(buildControlDocument({ sandboxOrigin: origin })));
  const yaml = (text: string) => new Response(text, { headers: { 'Content-Type': 'application/yaml' } });
  app.get('/openapi.yaml', (c) => yaml(apiYaml(c.req.url)));
  // The control API's document is locked with it: it is the map of what the token guards.
  app.get(`${CONTROL_PREFIX}/openapi.yaml`, controlAuth(deps), (c) => yaml(controlYaml(c.req.url)));

  app.route(API_PREFIX, createApiApp(deps));
  // Pages for people: the docs, and the dashboard, whose page loads without the control token
  // (mounted before the control API, so the token check of /_mock/* is not reached for it).
  app.get('/', (c) => c.redirect(UI_PREFIX));
  app.route(DOCS_PREFIX, createDocsApp(deps));
  app.route(UI_PREFIX, createDashboardApp(deps));
  app.route(CONTROL_PREFIX, createControlApp(deps));

  app.notFound((c) => writeError(c, errors.notFound(c.req.path)));
  app.onError((error, c) => {
    const control = c.req.path.startsWith(CONTROL_PREFIX);
    if (error instanceof AppError) return writeError(c, error);
    if (clientClosed(c, error)) {
      // An aborted upload: one line, no stack; the answer goes nowhere.
      console.log(`[${c.get('requestId')}] ${c.req.method} ${c.req.path}: the client closed the connection before its request arrived in full`);
      const cutOff = 'the body was cut off: the client closed the connection';
      return writeError(c, control ? controlErrors.badBody(cutOff) : errors.badBody(cutOff));
    }
    if (error instanceof HTTPException) return writeError(c, fromHttpException(error, control));
    // A bug, not bad input: log it with the request id, answer without internals.
    console.error(`[${c.get('requestId')}] ${c.req.method} ${c.req.path} failed:`, error);
    return sendJsonText(c, toJsonText({ success: false, code: 'INTERNAL_ERROR', error: `Internal error (request id ${c.get('requestId')}).` }), 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;

/** A host[:port] a URL may carry; anything else (a forged Host header) falls back to the default server. */
const PLAIN_ORIGIN = /^https?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** A document built for the origin of the request URL, remembered for the few origins a sandbox is reached at. */
function servedDocument(build: (origin: string | undefined) => string) {
  const byOrigin = new Map<string, string>();
  return (requestUrl: string) => {
    const origin = new URL(requestUrl).origin;
    const key = PLAIN_ORIGIN.test(origin) ? origin : '';
    let text = byOrigin.get(key);
    if (text === undefined) {
      if (byOrigin.size >= 16) byOrigin.clear();
      text = build(key || undefined);
      byOrigin.set(key, text);
    }
    return text;
  };
}
