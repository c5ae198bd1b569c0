import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { startSandbox, type Sandbox } from '../server/index.js';
import { browserSuite, browserTest, noBrowser, screenshot, type SandboxPage } from './support/browser.js';

const XSS_NAME = '<script>alert(1)</script>';

const accountRow = (page: Page, id: string) => page.locator(`#accounts-table tr[data-account="${id}"]`);
const productRow = (page: Page, id: string) => page.locator(`#products-table tr[data-product="${id}"]`);

/** A sandbox for the file, reset to the default fixture before each test. */
const it = browserTest
  .extend('fileSandbox', { scope: 'file' }, async ({}, { onCleanup }) => {
    const sandbox = await startSandbox();
    onCleanup(() => sandbox.stop());
    return sandbox;
  })
  .extend('sandbox', async ({ fileSandbox }) => {
    await fileSandbox.control.loadFixture(defaultFixture);
    return fileSandbox;
  });

const open = async (tab: SandboxPage, sandbox: Sandbox) => {
  await tab.page.goto(`${sandbox.baseUrl}/_mock/ui`);
  await accountRow(tab.page, 'alice').waitFor();
  return tab.page;
};

describe.skipIf(noBrowser)(browserSuite('dashboard (/_mock/ui) in Chromium'), () => {
  it('is where / leads, and shows accounts, products and the clock from the control API', async ({ tab, sandbox }) => {
    await tab.page.goto(sandbox.baseUrl);
    expect(new URL(tab.page.url()).pathname).toBe('/_mock/ui');
    const page = await open(tab, sandbox);
    await expect.poll(() => accountRow(page, 'alice').locator('.balance').textContent()).toBe('100');
    expect(await accountRow(page, 'suspended').locator('.status').textContent()).toBe('suspended');
    expect(await accountRow(page, 'alice').locator('.keys code').first().textContent()).toMatch(/^mk_test_al/);
    expect(await productRow(page, '002').locator('.stock').textContent()).toBe('100');
    expect(await page.locator('#clock').textContent()).toMatch(/^clock: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  });

  it('renders a product named <script>alert(1)</script> as text', async ({ tab, sandbox }) => {
    await sandbox.control.products.put('xss', { name: XSS_NAME, price: 1, stock: 1 });
    const page = await open(tab, sandbox);
    await expect.poll(() => productRow(page, 'xss').locator('.name').textContent()).toBe(XSS_NAME);
    expect(await page.locator('#products-table script').count()).toBe(0);
    expect(await page.evaluate(() => document.querySelectorAll('body script').length)).toBe(0);
  });

  it('tops up a wallet and shows the new balance; a bad amount gets the control API\'s message beside the field', async ({ tab, sandbox }) => {
    const page = await open(tab, sandbox);
    const row = accountRow(page, 'alice');
    await row.locator('input[name=amount]').fill('12.5');
    await row.getByRole('button', { name: 'Top up' }).click();
    await expect.poll(() => accountRow(page, 'alice').locator('.balance').textContent()).toBe('112.5');
    expect((await sandbox.control.state()).accounts.find((a) => a.id === 'alice')?.balance).toBe(112.5);

    await accountRow(page, 'alice').locator('input[name=amount]').fill('lots');
    await accountRow(page, 'alice').getByRole('button', { name: 'Top up' }).click();
    const error = accountRow(page, 'alice').locator('.field-error[data-path=amount]');
    await expect.poll(() => error.textContent()).toMatch(/non-negative USDT amount/);
    expect(await accountRow(page, 'alice').locator('input[name=amount]').getAttribute('aria-invalid')).toBe('true');
  });

  it('suspends an account, and its next API request is a 403', async ({ tab, sandbox }) => {
    const page = await open(tab, sandbox);
    await accountRow(page, 'alice').getByRole('button', { name: 'Suspend' }).click();
    await expect.poll(() => accountRow(page, 'alice').locator('.status').textContent()).toBe('suspended');
    const res = await fetch(`${sandbox.apiBaseUrl}/balance`, { headers: { 'X-API-Key': 'mk_test_alice' } });
    expect(res.status).toBe(403);

    // The journal shows this 403 live: dashboard-journal.test.ts.
    await accountRow(page, 'alice').getByRole('button', { name: 'Reactivate' }).click();
    await expect.poll(() => accountRow(page, 'alice').locator('.status').textContent()).toBe('active');
  });

  it('advances the virtual clock and shows it', async ({ tab, sandbox }) => {
    const page = await open(tab, sandbox);
    const form = page.locator('#advance-clock');
    await form.locator('input[name=seconds]').fill('61');
    await form.getByRole('button', { name: 'Advance clock' }).click();
    await expect.poll(() => page.locator('#clock').textContent()).toMatch(/\(\+61 s\)$/);
    expect(await page.locator('#clock-detail').textContent()).toContain('61 s ahead of real time');

    await form.locator('input[name=seconds]').fill('-5');
    await form.getByRole('button', { name: 'Advance clock' }).click();
    await expect.poll(() => form.locator('.field-error[data-path=seconds]').textContent()).toMatch(/>=\s*0|at least 0|too small/i);
  });

  it('creates an account and shows its key once; revokes a key', async ({ tab, sandbox }) => {
    const page = await open(tab, sandbox);
    const form = page.locator('#create-account');
    await form.locator('input[name=id]').fill('carol');
    await form.locator('input[name=balance]').fill('25');
    await form.getByRole('button', { name: 'Create account' }).click();
    const key = await form.locator('.new-key').textContent();
    expect(key).toMatch(/^mk_test_/);
    await expect.poll(() => accountRow(page, 'carol').locator('.balance').textContent()).toBe('25');
    const balance = await fetch(`${sandbox.apiBaseUrl}/balance`, { headers: { 'X-API-Key': key! } });
    expect(await balance.json()).toEqual({ balance: 25, currency: 'USDT' });

    const revoke = page.locator('#revoke-key');
    await revoke.locator('input[name=key]').fill(key!);
    await revoke.getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => revoke.locator('.form-result').textContent()).toContain('Revoked');
    expect((await fetch(`${sandbox.apiBaseUrl}/balance`, { headers: { 'X-API-Key': key! } })).status).toBe(401);

    // A taken id: the control API's refusal, as a sentence, no stack trace.
    await form.locator('input[name=id]').fill('carol');
    await form.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => form.locator('.form-result').textContent()).toContain('ACCOUNT_EXISTS');
    expect(await page.locator('body').textContent()).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('adds and restocks products; bad fields get the control API\'s details', async ({ tab, sandbox }) => {
    const page = await open(tab, sandbox);
    const form = page.locator('#put-product');
    await form.locator('input[name=id]').fill('006');
    await form.locator('input[name=name]').fill('Gift Card 10 USD');
    await form.locator('input[name=price]').fill('ten');
    await form.locator('input[name=stock]').fill('2.5');
    await form.getByRole('button', { name: 'Save product' }).click();
    await expect.poll(() => form.locator('.field-error[data-path=price]').textContent()).toMatch(/USDT amount/);
    expect(await form.locator('.field-error[data-path=stock]').textContent()).toMatch(/int/i);
    expect(await productRow(page, '006').count()).toBe(0);

    await form.locator('input[name=price]').fill('10');
    await form.locator('input[name=stock]').fill('2');
    await form.getByRole('button', { name: 'Save product' }).click();
    await expect.poll(() => productRow(page, '006').locator('.stock').textContent()).toBe('2');

    await productRow(page, '006').locator('input[name=count]').fill('3');
    await productRow(page, '006').getByRole('button', { name: 'Restock' }).click();
    await expect.poll(() => productRow(page, '006').locator('.stock').textContent()).toBe('5');
  });

  it('loads a fixture file, shows where a bad one is wrong, and resets', async ({ tab, sandbox }) => {
    const page = await open(tab, sandbox);
    const form = page.locator('#load-fixture');
    const file = (content: unknown) => ({ name: 'team.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(content)) });

    await form.locator('input[type=file]').setInputFiles(file({ accounts: [], products: [{ id: 'p', name: 'P', price: -1, stock: 1 }] }));
    await form.getByRole('button', { name: 'Load fixture' }).click();
    await expect.poll(() => form.locator('.form-result').textContent()).toContain('products.0.price');

    await form.locator('input[type=file]').setInputFiles(file({ accounts: [{ id: 'team', balance: 3, keys: [{ key: 'mk_test_team' }] }], products: [] }));
    await form.getByRole('button', { name: 'Load fixture' }).click();
    await accountRow(page, 'team').waitFor();
    expect(await accountRow(page, 'alice').count()).toBe(0);

    await page.locator('#reset').getByRole('button', { name: 'Reset to the fixture' }).click();
    await expect.poll(() => page.locator('#reset .form-result').textContent()).toContain('reset');
    expect(tab.dialogs.some((d) => d.startsWith('confirm'))).toBe(true);
    // Back to the fixture loaded last.
    expect(await accountRow(page, 'team').locator('.balance').textContent()).toBe('3');
  });

  it('is usable at 1280×800 and on a narrow window, with the journal and fault panels filled, and the screenshots show it', async ({ tab, sandbox }) => {
    const { key } = await sandbox.control.accounts.create({ id: 'shop', balance: 40 });
    await sandbox.control.faults.add({ kind: 'after_commit_reset', operation: 'purchase', account: 'shop', times: 1 });
    await sandbox.control.faults.add({ kind: 'latency', ms: 150, operation: 'listProducts' });
    await sandbox.control.clock.advance(90);
    const page = await open(tab, sandbox);
    await page.locator('#fault-list li[data-rule]').first().waitFor();

    // A shop's bad day, sent from outside the page: the answer to its first purchase is lost (the
    // connection is reset after the commit), its retry with the same Idempotency-Key is replayed.
    const call = (path: string, apiKey: string, body?: unknown, idempotencyKey?: string) =>
      fetch(`${sandbox.apiBaseUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json', ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((res) => res.status, () => 0);
    expect(await call('/products', key)).toBe(200);
    expect(await call('/purchase', key, { product_id: '002', quantity: 2 }, 'order-002')).toBe(0);
    expect(await call('/purchase', key, { product_id: '002', quantity: 2 }, 'order-002')).toBe(200);
    expect(await call('/purchase', key, { product_id: '004', quantity: 1 }, 'order-004')).toBe(200);
    expect(await call('/balance', 'mk_test_suspended')).toBe(403);
    expect(await call('/purchase', 'mk_test_bob', { product_id: '002', quantity: 1 })).toBe(402);
    expect(await call('/balance', key)).toBe(200);

    await expect.poll(() => page.locator('#journal-list li[data-entry]').count()).toBe(7);
    await expect.poll(() => page.locator('#fault-list').textContent()).toContain('fired 1 of 1 seen · 0 left');
    await expect.poll(() => accountRow(page, 'shop').locator('.balance').textContent()).toBe('26.5');
    await page.locator('#orders-table tr[data-order]').nth(1).waitFor();
    await page.locator('#journal-list li[data-entry]', { hasText: 'no answer' }).locator('summary').click();
    await screenshot(page, 'dashboard-1280.png', { fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${sandbox.baseUrl}/_mock/ui`);
    await accountRow(page, 'shop').waitFor();
    await page.locator('#journal-list li[data-entry]').first().waitFor();
    // Nothing sticks out sideways: wide tables scroll inside their panels.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'dashboard-narrow.png');
    await page.locator('#journal').evaluate((panel) => panel.scrollIntoView());
    await screenshot(page, 'dashboard-narrow-journal.png');
  });
});

const locked = browserTest.extend('sandbox', { scope: 'file' }, async ({}, { onCleanup }) => {
  const sandbox = await startSandbox({ controlToken: 'sandbox-token-1' });
  onCleanup(() => sandbox.stop());
  return sandbox;
});

describe.skipIf(noBrowser)(browserSuite('dashboard with a control token, in Chromium'), () => {
  locked('loads without the token, asks for it, and keeps it for the tab', async ({ tab: { page }, sandbox }) => {
    const sent: (string | undefined)[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/_mock/state')) sent.push(req.headers().authorization);
    });
    const res = await page.goto(`${sandbox.baseUrl}/_mock/ui`);
    expect(res?.status()).toBe(200);
    const prompt = page.locator('#token-panel');
    await prompt.waitFor();
    expect(await page.locator('#dashboard').isHidden()).toBe(true);

    await prompt.locator('input[name=token]').fill('wrong-token-99');
    await prompt.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => page.locator('#token-reason').textContent()).toContain('That token was refused');

    await prompt.locator('input[name=token]').fill('sandbox-token-1');
    await prompt.getByRole('button', { name: 'Unlock' }).click();
    await accountRow(page, 'alice').waitFor();
    expect(await prompt.isHidden()).toBe(true);
    expect(sent.at(-1)).toBe('Bearer sandbox-token-1');

    // The journal's stream carries the token too: a request from outside shows live.
    await expect.poll(() => page.locator('#journal-live').textContent()).toContain('Live');
    expect((await fetch(`${sandbox.apiBaseUrl}/balance`, { headers: { 'X-API-Key': 'mk_test_bob' } })).status).toBe(200);
    await page.locator('#journal-list li[data-entry]', { hasText: 'GET /api/v1/balance' }).waitFor();

    await page.reload();
    await accountRow(page, 'alice').waitFor();
    expect(await prompt.isHidden()).toBe(true);

    // The control API's docs, in the same tab, load their (locked) document and try requests with
    // the token the dashboard keeps.
    const documentLoaded = page.waitForResponse((r) => r.url() === `${sandbox.baseUrl}/_mock/openapi.yaml`);
    await page.goto(`${sandbox.baseUrl}/docs/control`);
    const documentRes = await documentLoaded;
    expect(documentRes.status()).toBe(200);
    expect(documentRes.request().headers().authorization).toBe('Bearer sandbox-token-1');
    const clock = page.locator('#operations-Sandbox-getClock');
    await clock.locator('.opblock-summary').click();
    const answer = page.waitForResponse((r) => r.url() === `${sandbox.baseUrl}/_mock/clock`);
    await clock.locator('button.execute').click();
    const clockRes = await answer;
    expect(clockRes.status()).toBe(200);
    expect(clockRes.request().headers().authorization).toBe('Bearer sandbox-token-1');
    expect(await page.locator('#control-locked').isHidden()).toBe(true);
  });

  locked('/docs/control in a tab without the token says the document is locked and where to unlock it', async ({ tab: { page }, sandbox }) => {
    const documentLoaded = page.waitForResponse((r) => r.url() === `${sandbox.baseUrl}/_mock/openapi.yaml`);
    await page.goto(`${sandbox.baseUrl}/docs/control`);
    expect((await documentLoaded).status()).toBe(401);
    const notice = page.locator('#control-locked');
    await expect.poll(() => notice.textContent()).toContain('this tab has none');
    expect(await notice.getByRole('link', { name: 'the dashboard' }).getAttribute('href')).toBe('/_mock/ui');
  });
});

const defaultFixture = JSON.parse(readFileSync(new URL('../fixtures/default.json', import.meta.url), 'utf8')) as Parameters<
  Sandbox['control']['loadFixture']
>[0];
