/**
 * Headless Chromium for the browser tests, driven by playwright-core: Debian's chromium
 * (/usr/bin/chromium, installed by scripts/ensure-chromium.sh; CHROMIUM_PATH picks another),
 * never a browser Playwright downloads. Without one the tests skip and say why;
 * REQUIRE_BROWSER=1 (CI) makes that a failure. Pages may reach 127.0.0.1 only: any other
 * request is refused and recorded, so a test can check the pages need no internet.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, test } from 'vitest';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export const noBrowser: string | undefined = existsSync(CHROMIUM_PATH)
  ? undefined
  : `no Chromium at ${CHROMIUM_PATH}: run scripts/ensure-chromium.sh (or set CHROMIUM_PATH); REQUIRE_BROWSER=1 makes this a failure`;

if (noBrowser) {
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but ${noBrowser}`);
  console.warn(`browser tests SKIPPED: ${noBrowser}`);
}

/** The name of a describe block, saying why it is skipped when it is. */
export const browserSuite = (name: string) => (noBrowser ? `${name} (SKIPPED: ${noBrowser})` : name);

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60_000,
  });
}

export interface SandboxPage {
  context: BrowserContext;
  page: Page;
  /** Requests the page tried to send anywhere but 127.0.0.1 (all refused). */
  offsite: string[];
  /** Messages the page logged as errors, and uncaught exceptions. */
  errors: string[];
  /** The texts of alert()/confirm() dialogs (confirm is accepted). */
  dialogs: string[];
}

export async function openPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<SandboxPage> {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(20_000);
  const offsite: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    offsite.push(url.href);
    return route.abort();
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    // A failed request is logged by Chromium as an error; the tests look at answers themselves.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) errors.push(message.text());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void (dialog.type() === 'confirm' ? dialog.accept() : dialog.dismiss());
  });
  return { context, page, offsite, errors, dialogs };
}

/**
 * A screenshot for the README: always under reports/screenshots/ (git-ignored); with
 * UPDATE_SCREENSHOTS=1 (npm run screenshots) also under docs/, where the committed ones are.
 * `clip` is a part of the whole page (with fullPage), in page coordinates.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean; clip?: { x: number; y: number; width: number; height: number } } = {}): Promise<void> {
  const targets = [join(PROJECT_ROOT, 'reports', 'screenshots')];
  if (process.env.UPDATE_SCREENSHOTS === '1') targets.push(join(PROJECT_ROOT, 'docs'));
  for (const dir of targets) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, name), fullPage: options.fullPage ?? false, clip: options.clip, animations: 'disabled' });
  }
}

/**
 * The tests' fixtures: `browser`, one Chromium per test file (launched by the first test that
 * wants it, so skipped files launch none), and `tab`, a fresh page of 1280×800 per test, after
 * which the test also fails if the page raised an alert, logged a script error or asked another
 * host than 127.0.0.1 for anything.
 * @example
 * const it = browserTest.extend('sandbox', { scope: 'file' }, async ({}, { onCleanup }) => { ... });
 * it('loads', async ({ tab, sandbox }) => { await tab.page.goto(`${sandbox.baseUrl}/docs`); });
 */
export const browserTest = test
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }) => {
    const browser = await launchChromium();
    onCleanup(() => browser.close());
    return browser;
  })
  .extend('tab', async ({ browser }, { onCleanup }) => {
    const tab = await openPage(browser);
    onCleanup(async () => {
      try {
        expect(tab.dialogs.filter((d) => d.startsWith('alert')), 'alerts').toEqual([]);
        expect(tab.offsite, 'requests to other hosts').toEqual([]);
        expect(tab.errors, 'script errors').toEqual([]);
      } finally {
        await tab.context.close();
      }
    });
    return tab;
  });
