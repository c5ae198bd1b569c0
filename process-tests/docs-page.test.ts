import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../server/index.js';
import { browserSuite, launchChromium, noBrowser, openPage, screenshot } from './support/browser.js';

describe.skipIf(noBrowser)(browserSuite('interactive API docs (/docs) in Chromium'), () => {
  let sandbox: Sandbox;
  let browser: Browser;

  beforeAll(async () => {
    sandbox = await startSandbox();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it('loads with no internet and "try it" on /balance returns the sandbox\'s answer', async () => {
    const { page, context, offsite, errors } = await openPage(browser);
    try {
      await page.goto(`${sandbox.baseUrl}/docs`);
      const balance = page.locator('#operations-Wallet-getBalance');
      await balance.locator('.opblock-summary').click();
      const answer = page.waitForResponse((res) => res.url() === `${sandbox.apiBaseUrl}/balance`);
      await balance.locator('button.execute').click();
      const res = await answer;
      expect(res.status()).toBe(200);
      expect(await res.json()).toEqual({ balance: 100, currency: 'USDT' });
      // The key was filled in: the request carried mk_test_alice.
      expect(res.request().headers()['x-api-key']).toBe('mk_test_alice');
      // The page shows it: status 200 and the body.
      const shown = balance.locator('.live-responses-table tbody .response');
      await expect.poll(() => shown.locator('.response-col_status').textContent()).toContain('200');
      await expect.poll(() => shown.locator('.response-col_description').textContent()).toContain('"balance": 100');
      expect(offsite).toEqual([]);
      expect(errors).toEqual([]);
      await screenshot(page, 'api-docs.png', { fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('shows the control API at /docs/control, its try-it going to this sandbox', async () => {
    const { page, context, offsite } = await openPage(browser);
    try {
      await page.goto(`${sandbox.baseUrl}/docs/control`);
      const clock = page.locator('#operations-Sandbox-getClock');
      await clock.locator('.opblock-summary').click();
      const answer = page.waitForResponse((res) => res.url() === `${sandbox.baseUrl}/_mock/clock`);
      await clock.locator('button.execute').click();
      expect((await answer).status()).toBe(200);
      expect(offsite).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
