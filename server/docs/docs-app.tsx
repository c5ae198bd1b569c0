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
import { CONTROL_TOKEN_STORAGE_KEY } from '../dashboard/dashboard-page.js';

export const DOCS_PREFIX = '/docs';
const ASSETS = `${DOCS_PREFIX}/assets`;

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
        {raw(swaggerUi('/openapi.yaml', `() => window.ui.preauthorizeApiKey('ApiKeyAuth', ${JSON.stringify(key)})`))}
      </DocsPage>,
    );
  });

  docs.get('/control', (c) =>
    c.html(
      <DocsPage title="AI-Market sandbox control API" current="control">
        {raw(
          swaggerUi(
            '/_mock/openapi.yaml',
            // The token the dashboard keeps for this tab, when the control API is locked.
            `() => { const t = sessionStorage.getItem(${JSON.stringify(CONTROL_TOKEN_STORAGE_KEY)}); if (t) window.ui.preauthorizeApiKey('ControlToken', t); }`,
          ),
        )}
      </DocsPage>,
    ),
  );
  return docs;
}

function swaggerUi(url: string, onComplete: string): string {
  return SwaggerUI({
    baseUrl: ASSETS,
    url,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    // No call to the public validator service: the page must work offline.
    validatorUrl: 'none',
    onComplete,
  });
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
`;
