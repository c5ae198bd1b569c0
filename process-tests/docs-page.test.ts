import { describe, expect } from 'vitest';
import { startSandbox } from '../server/index.js';
import { browserSuite, browserTest, noBrowser, screenshot } from './support/browser.js';

const it = browserTest.extend('sandbox', { scope: 'file' }, async ({}, { onCleanup }) => {
  const sandbox = await startSandbox();
  onCleanup(() => sandbox.stop());
  return sandbox;
});

describe.skipIf(noBrowser)(browserSuite('interactive API docs (/docs) in Chromium'), () => {
  it('loads with no internet and "try it" on /balance returns the sandbox\'s answer', async ({ tab: { page }, sandbox }) => {
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
    // The page from its top to the answer shown (the documented responses below it make it very long).
    const shownBox = await balance.locator('.live-responses-table').boundingBox();
    const top = await page.evaluate(() => window.scrollY);
    await screenshot(page, 'api-docs.png', { fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(top + shownBox!.y + shownBox!.height + 6) } });
  });

  it('shows the control API at /docs/control, its try-it going to this sandbox', async ({ tab: { page }, sandbox }) => {
    await page.goto(`${sandbox.baseUrl}/docs/control`);
    const clock = page.locator('#operations-Sandbox-getClock');
    await clock.locator('.opblock-summary').click();
    const answer = page.waitForResponse((res) => res.url() === `${sandbox.baseUrl}/_mock/clock`);
    await clock.locator('button.execute').click();
    expect((await answer).status()).toBe(200);
  });
});
