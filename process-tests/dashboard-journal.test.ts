/**
 * The dashboard's request journal and fault rules in Chromium, against a real sandbox
 * (startSandbox): requests sent from this test process, outside the page, appear in the journal
 * live through GET /_mock/journal/stream; fault rules added and removed in the panel act on the API.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { startSandbox, type Sandbox } from '../server/index.js';
import { browserSuite, browserTest, noBrowser } from './support/browser.js';

const XSS = '<img src=x onerror=alert(1)>';
const defaultFixture = JSON.parse(readFileSync(new URL('../fixtures/default.json', import.meta.url), 'utf8'));

const api = (sandbox: Sandbox, path: string, key: string, body?: unknown) =>
  fetch(`${sandbox.apiBaseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/**
 * A sandbox for the file, back to the default fixture before each test (no fault rules, an empty journal),
 * and each test's page open on its dashboard with the journal live. The page is marked, so a test
 * can check that what it saw arrived without a reload.
 */
const it = browserTest
  .extend('fileSandbox', { scope: 'file' }, async ({}, { onCleanup }) => {
    const sandbox = await startSandbox({ rateLimit: 1000 });
    onCleanup(() => sandbox.stop());
    return sandbox;
  })
  .extend('sandbox', async ({ fileSandbox }) => {
    await fileSandbox.control.loadFixture(defaultFixture);
    return fileSandbox;
  })
  .extend('page', async ({ tab, sandbox }) => {
    await tab.page.goto(`${sandbox.baseUrl}/_mock/ui`);
    await tab.page.locator('#accounts-table tr[data-account="alice"]').waitFor();
    await expect.poll(() => tab.page.locator('#journal-live').textContent()).toContain('Live');
    await tab.page.evaluate(() => Object.assign(window, { notReloaded: true }));
    return tab.page;
  });

const entries = (page: Page) => page.locator('#journal-list li[data-entry]');
const balanceOf = async (page: Page, account: string) => Number(await page.locator(`#accounts-table tr[data-account="${account}"] .balance`).textContent());
const notReloaded = (page: Page) => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

describe.skipIf(noBrowser)(browserSuite('dashboard journal and fault panels in Chromium'), () => {
  it('shows a purchase sent from outside the page in the journal, live, and its balance and order', async ({ page, sandbox }) => {
    expect(await page.locator('#journal-list .empty').textContent()).toBe('No requests recorded yet.');
    const res = await api(sandbox, '/purchase', 'mk_test_alice', { product_id: '002', quantity: 1 });
    expect(res.status).toBe(200);
    const { order_id: orderId } = (await res.json()) as { order_id: string };

    const entry = entries(page).filter({ hasText: 'POST /api/v1/purchase' });
    await entry.waitFor();
    expect(await entry.locator('summary').textContent()).toMatch(/200.*alice/);
    await entry.locator('summary').click();
    expect(await entry.locator('.request-body').textContent()).toBe(JSON.stringify({ product_id: '002', quantity: 1 }, null, 2));
    expect(await entry.locator('.exchange').textContent()).toContain(`order ${orderId}`);
    await expect.poll(() => balanceOf(page, 'alice')).toBe(95);
    await page.locator(`#orders-table tr[data-order="${orderId}"]`).waitFor();
    expect(await notReloaded(page)).toBe(true);
  });

  it("suspends an account in the page; its next request is a 403 that appears in the journal", async ({ page, sandbox }) => {
    const row = page.locator('#accounts-table tr[data-account="alice"]');
    await row.getByRole('button', { name: 'Suspend' }).click();
    await expect.poll(() => row.locator('.status').textContent()).toBe('suspended');
    expect((await api(sandbox, '/balance', 'mk_test_alice')).status).toBe(403);

    const entry = entries(page).filter({ hasText: 'GET /api/v1/balance' });
    await entry.waitFor();
    expect(await entry.locator('summary').textContent()).toMatch(/403.*FORBIDDEN.*alice/);
    await entry.locator('summary').click();
    expect(await entry.locator('.response-body').textContent()).toContain('"code": "FORBIDDEN"');
    expect(await notReloaded(page)).toBe(true);
  });

  it('shows a request body with markup as text', async ({ page, sandbox }) => {
    expect((await api(sandbox, '/purchase', 'mk_test_alice', { product_id: XSS, quantity: 1 })).status).toBe(404);
    const refused = entries(page).filter({ hasText: '404' });
    await refused.waitFor();
    await refused.locator('summary').click();
    expect(await refused.locator('.request-body').textContent()).toContain(XSS);
    expect(await refused.locator('.response-body').textContent()).toContain('PRODUCT_NOT_FOUND');
    expect(await page.locator('#journal-list img').count()).toBe(0);
  });

  it('filters by status and account, live entries included; a bad filter gets the control API\'s message beside the field', async ({ page, sandbox }) => {
    const filter = page.locator('#journal-filter');
    await filter.locator('input[name=status]').fill('401');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('#journal-list .empty').count()).toBe(1);
    await api(sandbox, '/balance', 'mk_test_bob');
    await api(sandbox, '/balance', 'mk_test_revoked');
    // The stream sends entries in order: once the 401 shows, bob's 200 before it was seen, and left out.
    await entries(page).filter({ hasText: 'INVALID_KEY' }).waitFor();
    expect(await entries(page).count()).toBe(1);

    await filter.locator('input[name=status]').fill('');
    await filter.locator('input[name=account]').fill('bob');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(async () => (await entries(page).allTextContents()).map((t) => /GET \/api\/v1\/balance.*200.*bob/.test(t))).toEqual([true]);

    await filter.locator('input[name=status]').fill('forbidden');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => filter.locator('.field-error[data-path=status]').textContent()).toBe('must be a whole number');
    // The refused filter is not applied: bob's entry stays.
    expect(await entries(page).count()).toBe(1);
  });

  it('adds a fault rule that the API then applies, shows a bad rule\'s error beside the field, and removes it', async ({ page, sandbox }) => {
    const list = page.locator('#fault-list');
    const form = page.locator('#add-fault');
    expect(await list.textContent()).toContain('No fault rules');

    await form.locator('textarea[name=rule]').fill('{"kind": "error_response", "status": 418}');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const error = form.locator('.field-error[data-path=rule]');
    await expect.poll(() => error.textContent()).toMatch(/^status: /);
    expect(await form.locator('textarea[name=rule]').getAttribute('aria-invalid')).toBe('true');
    await form.locator('textarea[name=rule]').fill('{"kind": ');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => error.textContent()).toMatch(/JSON/);
    expect((await sandbox.control.faults.list()).faults).toEqual([]);

    await form.locator('textarea[name=rule]').fill(JSON.stringify({ kind: 'error_response', operation: 'getBalance', status: 503, times: 1 }));
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => form.locator('.form-result').textContent()).toMatch(/^Added fault rule #\d+ \(error_response\)\.$/);
    const [rule] = (await sandbox.control.faults.list()).faults;
    const item = list.locator(`li[data-rule="${rule!.id}"]`);
    expect(await item.textContent()).toMatch(/error_response.*operation getBalance.*times 1.*status 503.*fired 0 of 0 seen · 1 left/);

    expect((await api(sandbox, '/balance', 'mk_test_alice')).status).toBe(503);
    const faulted = entries(page).filter({ hasText: 'fault: error_response' });
    await faulted.waitFor();
    expect(await faulted.locator('summary').textContent()).toContain('503');
    await expect.poll(() => item.textContent()).toMatch(/fired 1 of 1 seen · 0 left/);

    await item.getByRole('button', { name: `Remove fault rule ${rule!.id}` }).click();
    await expect.poll(() => list.textContent()).toContain('No fault rules');
    expect((await sandbox.control.faults.list()).faults).toEqual([]);
  });

  it('empties the journal list on a reset and shows the fixture\'s rules again', async ({ page, sandbox }) => {
    await sandbox.control.loadFixture({
      accounts: [{ id: 'alice', balance: 10, keys: [{ key: 'mk_test_alice' }] }],
      products: [],
      faults: [{ kind: 'latency', ms: 5, operation: 'listProducts' }],
    });
    await page.reload();
    await page.locator('#fault-list li[data-rule]').waitFor();
    await api(sandbox, '/balance', 'mk_test_alice');
    await entries(page).waitFor();

    await page.locator('#reset').getByRole('button', { name: 'Reset to the fixture' }).click();
    await expect.poll(() => page.locator('#journal-list .empty').count()).toBe(1);
    expect(await page.locator('#fault-list').textContent()).toMatch(/latency.*ms 5/);
    // Live still: a request after the reset shows.
    await api(sandbox, '/balance', 'mk_test_alice');
    await entries(page).waitFor();
  });
});
