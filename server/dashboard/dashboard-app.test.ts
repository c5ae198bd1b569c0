import { describe, expect, it } from 'vitest';
import { createTestApp } from '../test-support/test-app.js';
import { CLIENT_MODULES } from './dashboard-app.js';

describe('dashboard and docs pages', () => {
  const t = createTestApp({ controlToken: 'secret-token-1' });
  const get = (path: string) => t.app.request(path);

  it('sends / to the dashboard', async () => {
    const res = await get('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/_mock/ui');
  });

  it('serves the dashboard page, its styles and its script without the control token; the data wants it', async () => {
    const page = await get('/_mock/ui');
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<script type="module" src="/_mock/ui/client/main.js"></script>');
    for (const name of CLIENT_MODULES) {
      const script = await get(`/_mock/ui/client/${name}`);
      expect(script.status, name).toBe(200);
      expect(script.headers.get('Content-Type')).toMatch(/^text\/javascript/);
    }
    expect((await get('/_mock/ui/dashboard.css')).headers.get('Content-Type')).toMatch(/^text\/css/);
    expect((await get('/_mock/state')).status).toBe(401);
    expect((await get('/_mock/ui/client/nope.js')).status).toBe(404);
  });

  it('builds the page from data with text nodes only: no innerHTML or insertAdjacentHTML in the client', async () => {
    for (const name of CLIENT_MODULES) {
      const source = await (await get(`/_mock/ui/client/${name}`)).text();
      expect(source, name).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    }
  });

  it('serves the docs for both APIs with Swagger UI from this server, no other host', async () => {
    for (const [path, document] of [['/docs', '/openapi.yaml'], ['/docs/control', '/_mock/openapi.yaml']]) {
      const html = await (await get(path!)).text();
      expect(html).toContain(`url: '${document}'`);
      const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(sources.filter((s) => /^(https?:)?\/\//.test(s!)), path).toEqual([]);
    }
    expect(await (await get('/docs')).text()).toContain(`preauthorizeApiKey('ApiKeyAuth', "mk_test_alice")`);
    const bundle = await get('/docs/assets/swagger-ui-dist/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('Content-Type')).toMatch(/^text\/javascript/);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect((await get('/docs/assets/swagger-ui-dist/swagger-ui.css')).status).toBe(200);
    expect((await get('/docs/assets/swagger-ui-dist/index.html')).status).toBe(404);
  });
});
