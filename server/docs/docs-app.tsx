/**
 * Interactive API docs at /docs (the public API) and /docs/control (the control API), rendered
 * by Swagger UI (@hono/swagger-ui) from the documents this sandbox serves. "Try it out" talks to
 * this sandbox: the served public document names it first as its server, and the sandbox key is
 * filled in. Swagger UI's script and styles come from the swagger-ui-dist package, served here,
 * so the page works without internet (in the Docker image too).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SwaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { AppDeps } from '../app-env.js';
import { HtmlPage } from '../html-page.js';
import { sampleKey } from '../sample-key.js';
import { CONTROL_TOKEN_STORAGE_KEY, UI_PREFIX } from '../dashboard/dashboard-page.js';

export const DOCS_PREFIX = '/docs';
const ASSETS = `${DOCS_PREFIX}/assets`;
/** The control API's document, locked with it when a control token is set. */
const CONTROL_DOCUMENT = '/_mock/openapi.yaml';

/** The two files of swagger-ui-dist that Swagger UI needs, where @hono/swagger-ui asks for them (`${baseUrl}/swagger-ui-dist/...`). */
const assetFiles = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

const requireFromHere = createRequire(import.meta.url);

export function createDocsApp(deps: AppDeps) {
  const docs = new Hono();
  const assets = new Map<string, string>();
  for (const [file, type] of Object.entries(assetFiles)) {
    docs.get(`/assets/swagger-ui-dist/${file}`, (c) => {
      let text = assets.get(file);
      if (text === undefined) {
        text = readFileSync(requireFromHere.resolve(`swagger-ui-dist/${file}`), 'utf8');
        assets.set(file, text);
      }
      return c.body(text, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
    });
  }

  docs.get('/', (c) => {
    // A fixture key that works now (mk_test_alice in the default fixture) is filled in for "Try it out".
    const key = sampleKey(deps.store)?.key ?? 'mk_test_alice';
    return c.html(
      <DocsPage title="AI-Market API" current="api">
        {raw(swaggerUi('/openapi.yaml', { onComplete: `() => window.ui.preauthorizeApiKey('ApiKeyAuth', ${JSON.stringify(key)})` }))}
      </DocsPage>,
    );
  });

  docs.get('/control', (c) =>
    c.html(
      <DocsPage title="AI-Market sandbox control API" current="control">
        <p id="control-locked" class="control-locked" role="alert" hidden></p>
        {raw(`<script>${controlDocsScript(CONTROL_DOCUMENT)}</script>`)}
        {raw(
          swaggerUi(CONTROL_DOCUMENT, {
            // The document is locked with the control API: it goes out with the tab's token.
            requestInterceptor: '(req) => window.controlDocs.withToken(req)',
            responseInterceptor: '(res) => window.controlDocs.checkAnswer(res)',
            onComplete: '() => window.controlDocs.authorize()',
          }),
        )}
      </DocsPage>,
    ),
  );
  return docs;
}

/** Swagger UI's hooks, as the source of functions (the page runs them). */
interface SwaggerHooks {
  onComplete: string;
  requestInterceptor?: string;
  responseInterceptor?: string;
}

function swaggerUi(url: string, hooks: SwaggerHooks): string {
  return SwaggerUI({
    baseUrl: ASSETS,
    url,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    // No call to the public validator service: the page must work offline.
    validatorUrl: 'none',
    ...hooks,
  });
}

/**
 * The control docs' script: the control token the dashboard keeps for this tab (sessionStorage)
 * goes with the request for the document and is filled in for "Try it out"; when the sandbox
 * refuses the document (locked, and this tab has no token or a stale one), the page says so and
 * where to unlock it, instead of Swagger UI's bare "Failed to load API definition".
 */
function controlDocsScript(documentUrl: string): string {
  const storageKey = JSON.stringify(CONTROL_TOKEN_STORAGE_KEY);
  return `
window.controlDocs = (() => {
  const token = () => sessionStorage.getItem(${storageKey});
  const isDocument = (url) => new URL(url, location.href).href === new URL(${JSON.stringify(documentUrl)}, location.href).href;
  const say = (text) => {
    const notice = document.getElementById('control-locked');
    const link = Object.assign(document.createElement('a'), { href: ${JSON.stringify(UI_PREFIX)}, textContent: 'the dashboard' });
    notice.replaceChildren(text[0], link, text[1]);
    notice.hidden = false;
  };
  return {
    withToken(req) {
      const t = token();
      if (t && isDocument(req.url)) req.headers.Authorization = 'Bearer ' + t;
      return req;
    },
    checkAnswer(res) {
      if (!isDocument(res.url) || res.ok) return res;
      if (res.status === 401 && !token()) {
        say(['This sandbox locks its control API, and with it this document, with a token, and this tab has none. Unlock ',
          ' in this tab with the token (AI_MARKET_MOCK_CONTROL_TOKEN), then reload this page: it uses the token the dashboard keeps for the tab.']);
      } else if (res.status === 401) {
        say(['The control token this tab keeps was refused (was the sandbox restarted with another?). Unlock ',
          ' again in this tab, then reload this page.']);
      } else {
        say(['The sandbox refused this document (' + res.status + (res.body && res.body.error ? ': ' + res.body.error : '') + '). See ',
          ', then reload this page.']);
      }
      return res;
    },
    authorize() {
      const t = token();
      if (t) window.ui.preauthorizeApiKey('ControlToken', t);
    },
  };
})();
`;
}

function DocsPage(props: { title: string; current: 'api' | 'control'; children: Child }) {
  const link = (href: string, text: string, here: boolean) => (here ? <strong>{text}</strong> : <a href={href}>{text}</a>);
  return (
    <HtmlPage title={props.title} head={<style>{raw(NAV_CSS)}</style>}>
      <nav class="sandbox-nav" aria-label="Sandbox pages">
        <span class="brand">AI-Market sandbox</span>
        {link(DOCS_PREFIX, 'Public API', props.current === 'api')}
        {link(`${DOCS_PREFIX}/control`, 'Control API', props.current === 'control')}
        <a href="/_mock/ui">Dashboard</a>
      </nav>
      {props.children}
    </HtmlPage>
  );
}

const NAV_CSS = `
body { margin: 0; }
.sandbox-nav { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: baseline; padding: .6rem 1rem;
  background: #1b1f24; color: #e6e6e6; font: 15px/1.4 system-ui, sans-serif; }
.sandbox-nav .brand { font-weight: 700; margin-right: .6rem; }
.sandbox-nav a { color: #9ecbff; }
.sandbox-nav strong { color: #fff; }
.control-locked { margin: 1rem; padding: .8rem 1rem; border: 1px solid #d9a400; border-radius: 4px; background: #fff8e1;
  font: 15px/1.5 system-ui, sans-serif; }
`;
