/** The control API: the bot's side (keys, suspension, top-ups) and the test tools (stock, reset, fixtures, clock, state). */
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});

describe('accounts and keys', () => {
  it('creates an account with a new key that works at once; only a hash of the key is stored', async () => {
    const res = await t.control('POST', '/accounts', { id: 'carol', balance: '12.5' });
    expect(res.status).toBe(201);
    expect(res.json.key).toMatch(/^mk_test_[0-9a-f]{24}$/);
    expect(res.json.account).toMatchObject({ id: 'carol', status: 'active', balance: 12.5 });
    expect(await t.balance(res.json.key)).toBe(12.5);
    const stored = t.store.db.prepare('SELECT key_hash, prefix FROM api_keys WHERE account_id = ?').all('carol') as any[];
    expect(stored[0].key_hash).not.toContain(res.json.key);
    expect(JSON.stringify(t.store.db.prepare('SELECT * FROM api_keys').all())).not.toContain(res.json.key);
  });

  it('refuses a taken id or key with 409 and changes nothing', async () => {
    expect((await t.control('POST', '/accounts', { id: 'alice' })).json.code).toBe('ACCOUNT_EXISTS');
    const dup = await t.control('POST', '/accounts', { id: 'new', key: 'mk_test_alice' });
    expect(dup.status).toBe(409);
    expect((await t.control('GET', '/state')).json.accounts.map((a: any) => a.id)).not.toContain('new');
  });

  it('generates another key, revokes one (401 INVALID_KEY after), suspends (403) and reactivates', async () => {
    const extra = await t.control('POST', '/accounts/alice/keys');
    expect(extra.status).toBe(201);
    expect(await t.balance(extra.json.key)).toBe(100);
    expect((await t.control('POST', '/keys/revoke', { key: 'mk_test_alice' })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/balance')).json.code).toBe('INVALID_KEY');
    expect(await t.balance(extra.json.key)).toBe(100);
    expect((await t.control('POST', '/accounts/alice/suspend')).json.status).toBe('suspended');
    expect((await t.call('GET', '/api/v1/balance', { key: extra.json.key })).json.code).toBe('FORBIDDEN');
    expect((await t.control('POST', '/accounts/alice/reactivate')).json.status).toBe('active');
    expect(await t.balance(extra.json.key)).toBe(100);
  });

  it('tops up exactly, and refuses bad amounts', async () => {
    expect((await t.control('POST', '/accounts/bob/top-up', { amount: '0.10' })).json.balance).toBe(0.6);
    expect((await t.control('POST', '/accounts/bob/top-up', { amount: 0.3 })).json.balance).toBe(0.9);
    for (const amount of [-1, 'ten', 0.0000001, null]) {
      const res = await t.control('POST', '/accounts/bob/top-up', { amount });
      expect(res.status, String(amount)).toBe(400);
      expect(res.json.code).toBe('CONTROL_VALIDATION');
      expect(res.json.details[0].path).toBe('amount');
    }
    const tooRich = await t.control('POST', '/accounts/bob/top-up', { amount: 1_000_000_000 });
    expect(tooRich.json).toMatchObject({ code: 'CONTROL_VALIDATION', error: 'amount: the balance would exceed the sandbox maximum of 1e9 USDT' });
    expect(tooRich.json.details[0].path).toBe('amount');
    expect(await t.balance('mk_test_bob')).toBe(0.9);
  });

  it('answers 404 for an unknown account or key', async () => {
    expect((await t.control('POST', '/accounts/nobody/top-up', { amount: 1 })).json.code).toBe('ACCOUNT_NOT_FOUND');
    expect((await t.control('POST', '/accounts/nobody/suspend')).status).toBe(404);
    expect((await t.control('POST', '/keys/revoke', { key: 'mk_nothing' })).json.code).toBe('KEY_NOT_FOUND');
  });
});

describe('products and stock', () => {
  it('adds a product with generated codes and changes its price without touching its codes', async () => {
    const put = await t.control('PUT', '/products/fresh', { name: 'Fresh', price: 2, stock: 4 });
    expect(put.json).toMatchObject({ id: 'fresh', price: 2, stock: 4, in_stock: true, sold: 0 });
    const repriced = await t.control('PUT', '/products/fresh', { name: 'Fresh 2', price: '2.50' });
    expect(repriced.json).toMatchObject({ name: 'Fresh 2', price: 2.5, stock: 4 });
    expect((await t.purchase({ product_id: 'fresh', quantity: 1 })).json.balance_remaining).toBe(97.5);
  });

  it('sells given codes in order, exactly once, and refuses codes already in the store', async () => {
    await t.control('PUT', '/products/listed', { name: 'Listed', price: 1, codes: ['A-1', 'A-2'] });
    expect((await t.purchase({ product_id: 'listed', quantity: 2 })).json.codes).toEqual(['A-1', 'A-2']);
    const reused = await t.control('POST', '/products/listed/codes', { codes: ['A-3', 'A-1'] });
    expect(reused.status).toBe(409);
    expect(reused.json.code).toBe('CODE_EXISTS');
    expect((await t.control('GET', '/state')).json.products.find((p: any) => p.id === 'listed')).toMatchObject({ stock: 0, sold: 2 });
    const restocked = await t.control('POST', '/products/listed/codes', { count: 3 });
    expect(restocked.json.stock).toBe(3);
  });

  it('restocking an unknown product is 404, and a body with both stock and codes is 400', async () => {
    expect((await t.control('POST', '/products/none/codes', { count: 1 })).json.code).toBe('PRODUCT_NOT_FOUND');
    expect((await t.control('PUT', '/products/x', { name: 'x', price: 1, stock: 1, codes: ['c'] })).json.code).toBe('CONTROL_VALIDATION');
    expect((await t.control('PUT', '/products/bad id!', { name: 'x', price: 1 })).status).toBe(400);
  });
});

describe('sandbox tools', () => {
  it('state shows accounts, balances, products and orders with their codes', async () => {
    const order = await t.purchase({ product_id: '002', quantity: 2 }, { idempotencyKey: 'k1' });
    const { json } = await t.control('GET', '/state');
    expect(json.accounts.find((a: any) => a.id === 'alice')).toMatchObject({ balance: 90, keys: [{ prefix: 'mk_test_al', revoked: false }] });
    expect(json.orders).toEqual([
      expect.objectContaining({ id: order.json.order_id, account_id: 'alice', product_id: '002', quantity: 2, total: 10, codes: order.json.codes, idempotency_key: 'k1' }),
    ]);
    expect(json.products.find((p: any) => p.id === '002').sold).toBe(2);
  });

  it('reset returns to the fixture and real time, dropping orders, idempotency records and rate windows', async () => {
    await t.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: 'before-reset' });
    await t.control('POST', '/clock/advance', { seconds: 30 });
    await t.control('PATCH', '/settings', { rate_limit: 1 });
    await t.call('GET', '/api/v1/products');
    expect((await t.control('POST', '/reset')).json.ok).toBe(true);
    expect((await t.control('GET', '/clock')).json.offset_seconds).toBe(0);
    await t.control('PATCH', '/settings', { rate_limit: 20 });
    expect(await t.balance()).toBe(100);
    const after = await t.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: 'before-reset' });
    expect(after.headers.get('Idempotent-Replayed')).toBeNull();
    expect((await t.control('GET', '/state')).json.orders).toHaveLength(1);
  });

  it('loads another fixture, which later resets return to; a bad one is refused with paths and changes nothing', async () => {
    const fixture = { accounts: [{ id: 'solo', balance: 3, keys: [{ key: 'mk_solo' }] }], products: [{ id: 'p', name: 'P', price: 1, stock: 2 }] };
    expect((await t.control('POST', '/fixtures', fixture)).status).toBe(200);
    expect(await t.balance('mk_solo')).toBe(3);
    expect((await t.call('GET', '/api/v1/balance')).json.code).toBe('INVALID_KEY');
    await t.purchase({ product_id: 'p', quantity: 1 }, { key: 'mk_solo' });
    await t.control('POST', '/reset');
    expect(await t.balance('mk_solo')).toBe(3);
    const huge = await t.control('POST', '/fixtures', {
      accounts: [],
      products: Array.from({ length: 11 }, (_, i) => ({ id: `p${i}`, name: 'P', price: 1, stock: 100_000 })),
    });
    expect(huge.status).toBe(400);
    expect(huge.json.error).toMatch(/at most 1000000 codes/);
    const bad = await t.control('POST', '/fixtures', { accounts: [{ id: 'x', balance: 'lots' }], products: [] });
    expect(bad.status).toBe(400);
    expect(bad.json.details[0].path).toBe('accounts.0.balance');
    expect(await t.balance('mk_solo')).toBe(3);
  });

  it('the virtual clock moves forward and reports its offset', async () => {
    const before = Date.parse((await t.control('GET', '/clock')).json.now);
    const moved = await t.control('POST', '/clock/advance', { seconds: 90 });
    expect(moved.json.offset_seconds).toBe(90);
    expect(Date.parse(moved.json.now) - before).toBe(90_000);
    expect((await t.control('POST', '/clock/advance', { seconds: -5 })).status).toBe(400);
  });

  it('unknown control paths and methods get JSON 404 / 405', async () => {
    expect((await t.control('GET', '/nothing')).json.code).toBe('NOT_FOUND');
    expect((await t.control('DELETE', '/state')).json.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('serves both OpenAPI documents and a health check', async () => {
    expect((await t.call('GET', '/health', { key: null })).json).toEqual({ status: 'ok', version: 'test' });
    expect((await t.call('GET', '/openapi.yaml', { key: null })).text).toContain('operationId: purchase');
    // The served document names the sandbox it came from first, with the documented base path.
    const served = await t.app.request('http://127.0.0.1:9090/openapi.yaml');
    expect(await served.text()).toMatch(/servers:\n {2}- url: http:\/\/127\.0\.0\.1:9090\/api\/v1\n/);
    expect((await t.call('GET', '/_mock/openapi.yaml', { key: null })).text).toContain('operationId: advanceClock');
  });
});

describe('locked with a token', () => {
  it('wants Authorization: Bearer <token> on every control route, and leaves the public API alone', async () => {
    const locked = createTestApp({ controlToken: 'secret-token-123' });
    for (const headers of [undefined, { Authorization: 'Bearer wrong-token-12' }, { Authorization: 'secret-token-123' }]) {
      const res = await locked.control('GET', '/state', undefined, headers);
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('CONTROL_UNAUTHORIZED');
    }
    expect((await locked.control('GET', '/state', undefined, { Authorization: 'Bearer secret-token-123' })).status).toBe(200);
    expect((await locked.call('GET', '/api/v1/balance')).status).toBe(200);
  });
});
