/**
 * The journal and fault panels against a server that has them. Until the journal and fault
 * rules are merged, that server is a stand-in following their contract (support/journal-faults-stub.ts).
 */
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { browserSuite, browserTest, noBrowser } from './support/browser.js';
import { startStubbedSandbox } from './support/journal-faults-stub.js';

const XSS = '<img src=x onerror=alert(1)>';

/** The stand-in for the file, and each test's page open on its dashboard with the journal live. */
const it = browserTest
  .extend('stub', { scope: 'file' }, async ({}, { onCleanup }) => {
    const stub = await startStubbedSandbox();
    onCleanup(() => stub.close());
    return stub;
  })
  .extend('page', async ({ tab, stub }) => {
    await tab.page.goto(`${stub.baseUrl}/_mock/ui`);
    await tab.page.locator('#accounts-table tr[data-account="alice"]').waitFor();
    await expect.poll(() => tab.page.locator('#journal-live').textContent()).toContain('Live');
    return tab.page;
  });

const entries = (page: Page) => page.locator('#journal-list li[data-entry]');

describe.skipIf(noBrowser)(browserSuite('dashboard journal and fault panels in Chromium'), () => {
  const api = (baseUrl: string, path: string, key: string, body?: unknown) =>
    fetch(`${baseUrl}/api/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('shows a suspended account\'s next request live as a 403, expandable to its request and answer', async ({ page, stub }) => {
    await page.locator('#accounts-table tr[data-account="alice"]').getByRole('button', { name: 'Suspend' }).click();
    await expect.poll(() => page.locator('#accounts-table tr[data-account="alice"] .status').textContent()).toBe('suspended');
    expect((await api(stub.baseUrl, '/balance', 'mk_test_alice')).status).toBe(403);

    const entry = entries(page).filter({ hasText: 'GET /api/v1/balance' }).filter({ hasText: '403' }).first();
    await entry.waitFor();
    expect(await entry.locator('summary').textContent()).toContain('FORBIDDEN');
    await entry.locator('summary').click();
    expect(await entry.locator('.response-body').textContent()).toContain('"code": "FORBIDDEN"');
    await page.locator('#accounts-table tr[data-account="alice"]').getByRole('button', { name: 'Reactivate' }).click();
    await expect.poll(() => page.locator('#accounts-table tr[data-account="alice"] .status').textContent()).toBe('active');
  });

  it('shows request bodies as text, and a purchase moves the balance on the page without reloading', async ({ page, stub }) => {
    await api(stub.baseUrl, '/purchase', 'mk_test_alice', { product_id: XSS, quantity: 1 });
    const refused = entries(page).filter({ hasText: '404' }).first();
    await refused.waitFor();
    await refused.locator('summary').click();
    expect(await refused.locator('.request-body').textContent()).toContain(XSS);
    expect(await page.locator('#journal-list img').count()).toBe(0);

    const before = Number(await page.locator('#accounts-table tr[data-account="alice"] .balance').textContent());
    expect((await api(stub.baseUrl, '/purchase', 'mk_test_alice', { product_id: '001', quantity: 1 })).status).toBe(200);
    await expect.poll(async () => Number(await page.locator('#accounts-table tr[data-account="alice"] .balance').textContent())).toBeCloseTo(before - 0.1, 6);
    await expect.poll(() => page.locator('#orders-table tr[data-order]').count()).toBeGreaterThan(0);
  });

  it('filters by account, status and code, live entries included; a bad filter gets the field\'s message', async ({ page, stub }) => {
    const filter = page.locator('#journal-filter');
    await filter.locator('input[name=status]').fill('401');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await api(stub.baseUrl, '/balance', 'mk_test_revoked');
    await api(stub.baseUrl, '/balance', 'mk_test_bob');
    const shown = entries(page);
    await shown.filter({ hasText: 'INVALID_KEY' }).first().waitFor();
    await expect.poll(async () => (await shown.allTextContents()).every((text) => text.includes('401'))).toBe(true);

    await filter.locator('input[name=status]').fill('');
    await filter.locator('input[name=account]').fill('bob');
    await filter.getByRole('button', { name: 'Filter' }).click();
    const onlyBob = async () => {
      const texts = await shown.allTextContents();
      return texts.length > 0 && texts.every((text) => text.includes('bob'));
    };
    await expect.poll(onlyBob).toBe(true);

    await filter.locator('input[name=status]').fill('forbidden');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => filter.locator('.field-error[data-path=status]').textContent()).toContain('expected a status code');
  });

  it('lists, adds and removes fault rules; a bad rule gets the control API\'s details', async ({ page, stub }) => {
    const list = page.locator('#fault-list');
    await expect.poll(() => list.textContent()).toContain('rule-1');
    const form = page.locator('#add-fault');
    await form.locator('textarea[name=rule]').fill('{"status": 500}');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => form.locator('.form-result').textContent()).toContain('operation: Invalid input');

    await form.locator('textarea[name=rule]').fill(JSON.stringify({ operation: 'getBalance', note: XSS }));
    await form.getByRole('button', { name: 'Add rule' }).click();
    const added = list.locator('li[data-rule="rule-2"]');
    await added.waitFor();
    expect(await added.locator('pre').textContent()).toContain(XSS);
    await added.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => added.count()).toBe(0);
    expect(stub.rules.map((r) => r.id)).toEqual(['rule-1']);
  });
});
