/**
 * The dashboard at /_mock/ui: a server-rendered page (dashboard-page.tsx), its styles and a small
 * hand-written client script (client/*.js, plain ES modules served as they are: no bundler, no
 * build step of their own). The page and these files load without the control token; every
 * call for data goes to the control API and carries the token.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { AppDeps } from '../app-env.js';
import { DASHBOARD_CSS } from './dashboard-css.js';
import { DashboardPage } from './dashboard-page.js';

/** The client's modules; each is served at /_mock/ui/client/<name>. */
export const CLIENT_MODULES = ['main.js', 'api.js', 'control-wire.js', 'dom.js', 'state-panels.js', 'journal-panel.js', 'faults-panel.js'] as const;

export function createDashboardApp(deps: Pick<AppDeps, 'version'>) {
  const ui = new Hono();
  ui.get('/', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.html(<DashboardPage version={deps.version} />);
  });
  ui.get('/dashboard.css', (c) => c.body(DASHBOARD_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }));
  const modules = new Map<string, string>();
  for (const name of CLIENT_MODULES) {
    ui.get(`/client/${name}`, (c) => {
      let text = modules.get(name);
      if (text === undefined) {
        // Beside this file both in the sources and in dist/ (tsc copies them: allowJs).
        text = readFileSync(new URL(`./client/${name}`, import.meta.url), 'utf8');
        modules.set(name, text);
      }
      return c.body(text, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
    });
  }
  return ui;
}
