/**
 * The app factory: wires request ids, the 404/405 gate, the public API, the
 * control API, health and the OpenAPI documents, and the one error handler.
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
import { AppError, errors, fromHttpException, writeError } from './errors.js';
import { knownRoutes } from './middleware/known-routes.js';

/**
 * @example
 * const app = createApp({ store, clock, fixture: { current: fixture }, version: '1.0.0' });
 * const res = await app.request('/api/v1/balance', { headers: { 'X-API-Key': 'mk_test_alice' } });
 */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.use(requestId());
  app.use(knownRoutes(() => app.routes));

  app.get('/health', (c) => c.json({ status: 'ok', version: deps.version }));
  // The documents are built once, on first request: they never change while the server runs.
  let apiYaml: string | undefined;
  let controlYaml: string | undefined;
  app.get('/openapi.yaml', (c) => c.body((apiYaml ??= toYaml(buildApiDocument())), 200, { 'Content-Type': 'application/yaml' }));
  app.get(`${CONTROL_PREFIX}/openapi.yaml`, (c) =>
    c.body((controlYaml ??= toYaml(buildControlDocument())), 200, { 'Content-Type': 'application/yaml' }),
  );

  app.route(API_PREFIX, createApiApp(deps));
  app.route(CONTROL_PREFIX, createControlApp(deps));

  app.notFound((c) => writeError(c, errors.notFound(c.req.path)));
  app.onError((error, c) => {
    const control = c.req.path.startsWith(CONTROL_PREFIX);
    if (error instanceof AppError) return writeError(c, error);
    if (error instanceof HTTPException) return writeError(c, fromHttpException(error, control));
    // A bug, not bad input: log it with the request id, answer without internals.
    console.error(`[${c.get('requestId')}] ${c.req.method} ${c.req.path} failed:`, error);
    return c.json({ success: false, code: 'INTERNAL_ERROR', error: `Internal error (request id ${c.get('requestId')}).` }, 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
