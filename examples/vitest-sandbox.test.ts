import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startSandbox, type Sandbox } from 'ai-market-sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
  // In this process, on a free port of 127.0.0.1, on an in-memory database.
  sandbox = await startSandbox({
    fixture: {
      accounts: [{ id: 'shop', balance: 10, keys: [{ key: 'mk_test_shop' }] }],
      products: [{ id: 'gift-5', name: 'Gift Card 5 USD', price: 5, stock: 3 }],
    },
  });
});
afterAll(() => sandbox.stop());
beforeEach(() => sandbox.control.reset()); // every test starts from the fixture

// Your code under test would take sandbox.apiBaseUrl as its AI-Market base URL.
const api = (path: string, key: string, body?: unknown) =>
  fetch(`${sandbox.apiBaseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

test('buys a code and pays for it', async () => {
  const res = await api('/purchase', 'mk_test_shop', { product_id: 'gift-5', quantity: 1 });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ success: true, codes: [expect.any(String)], balance_remaining: 5 });

  const state = await sandbox.control.state();
  expect(state.products.find((p) => p.id === 'gift-5')?.stock).toBe(2);
});

test('a top-up makes a refused purchase go through', async () => {
  expect((await api('/purchase', 'mk_test_shop', { product_id: 'gift-5', quantity: 3 })).status).toBe(402);
  await sandbox.control.accounts.topUp('shop', 5);
  expect((await api('/purchase', 'mk_test_shop', { product_id: 'gift-5', quantity: 3 })).status).toBe(200);
});

test('a suspended account gets 403, a new account gets its own key', async () => {
  await sandbox.control.accounts.suspend('shop');
  expect(await (await api('/balance', 'mk_test_shop')).json()).toMatchObject({ code: 'FORBIDDEN' });

  const { key } = await sandbox.control.accounts.create({ balance: 1 });
  expect(await (await api('/balance', key)).json()).toEqual({ balance: 1, currency: 'USDT' });
});

test('the rate limit frees up when the virtual clock moves, without sleeping', async () => {
  for (let i = 0; i < 20; i++) await api('/balance', 'mk_test_shop');
  expect((await api('/balance', 'mk_test_shop')).status).toBe(429);
  await sandbox.control.clock.advance(61);
  expect((await api('/balance', 'mk_test_shop')).status).toBe(200);
});

test('a purchase whose answer is lost is not paid twice when retried with its Idempotency-Key', async () => {
  // The next purchase is committed, then its connection reset: the client never sees the answer.
  await sandbox.control.faults.add({ kind: 'after_commit_reset', operation: 'purchase', times: 1 });
  const buy = () =>
    fetch(`${sandbox.apiBaseUrl}/purchase`, {
      method: 'POST',
      headers: { 'X-API-Key': 'mk_test_shop', 'Content-Type': 'application/json', 'Idempotency-Key': 'order-1' },
      body: JSON.stringify({ product_id: 'gift-5', quantity: 1 }),
    });
  await expect(buy()).rejects.toThrow();
  expect((await buy()).status).toBe(200); // the same order, replayed

  const { entries } = await sandbox.control.journal.list({ order: 'oldest' });
  expect(entries.map((e) => [e.status, e.fault, e.replayed])).toEqual([
    [0, 'after_commit_reset', false],
    [200, null, true],
  ]);
  expect((await sandbox.control.state()).accounts[0]?.balance).toBe(5);
});
