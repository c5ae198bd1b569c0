/**
 * Every rule of the API doc's part 2, in-process through app.request() over a
 * real in-memory store, with a manual clock (time moves only when told).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, readAnswer, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});

const newAccount = async (balance: number | string, extra: Record<string, unknown> = {}) => {
  const res = await t.control('POST', '/accounts', { balance, ...extra });
  expect(res.status).toBe(201);
  return res.json.key as string;
};
const newProduct = async (id: string, price: number | string, stock: number) => {
  const res = await t.control('PUT', `/products/${id}`, { name: `Product ${id}`, price, stock });
  expect(res.status).toBe(200);
};
const stockOf = async (id: string) => ((await t.call('GET', '/api/v1/products')).json.products as any[]).find((p) => p.id === id).stock as number;

describe('success paths', () => {
  it('GET /balance answers the wallet in USDT', async () => {
    const res = await t.call('GET', '/api/v1/balance');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ balance: 100, currency: 'USDT' });
  });

  it('GET /products lists the sandbox products with in_stock = stock > 0', async () => {
    const { json } = await t.call('GET', '/api/v1/products');
    expect(json.products.map((p: any) => p.id)).toEqual(['001', '002', '003', '004', '005']);
    for (const p of json.products) expect(p.in_stock).toBe(p.stock > 0);
    expect(json.products.find((p: any) => p.id === '003')).toMatchObject({ stock: 0, in_stock: false });
    expect(json.products.find((p: any) => p.id === '004')).toMatchObject({ stock: 3, in_stock: true });
  });

  it('POST /purchase charges price x quantity, takes stock and hands out fresh distinct codes', async () => {
    const before = await stockOf('002');
    const res = await t.purchase({ product_id: '002', quantity: 3 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, balance_remaining: 85 });
    expect(res.json.order_id).toMatch(/^ord_/);
    expect(new Set(res.json.codes).size).toBe(3);
    expect(await t.balance()).toBe(85);
    expect(await stockOf('002')).toBe(before - 3);
    const again = await t.purchase({ product_id: '002', quantity: 3 });
    expect(again.json.codes.some((code: string) => res.json.codes.includes(code))).toBe(false);
  });

  it('ignores unknown extra fields in the body', async () => {
    const res = await t.purchase({ product_id: '001', quantity: 1, note: 'hello', coupon: 5 });
    expect(res.status).toBe(200);
  });

  it('keeps money exact: ten purchases of 0.10 from a 1.00 wallet leave exactly 0', async () => {
    const key = await newAccount('1.00');
    await newProduct('dime', '0.10', 20);
    for (let i = 0; i < 10; i++) expect((await t.purchase({ product_id: 'dime', quantity: 1 }, { key })).status).toBe(200);
    expect(await t.balance(key)).toBe(0);
    const eleventh = await t.purchase({ product_id: 'dime', quantity: 1 }, { key });
    expect(eleventh.json).toMatchObject({ code: 'INSUFFICIENT_BALANCE', required: 0.1, available: 0 });
  });

  it('sells out: the last codes go, then OUT_OF_STOCK with requested and stock', async () => {
    expect((await t.purchase({ product_id: '004', quantity: 2 })).status).toBe(200);
    const tooMany = await t.purchase({ product_id: '004', quantity: 2 });
    expect(tooMany.status).toBe(409);
    expect(tooMany.json).toMatchObject({ success: false, code: 'OUT_OF_STOCK', requested: 2, stock: 1 });
    expect((await t.purchase({ product_id: '004', quantity: 1 })).status).toBe(200);
    expect(await stockOf('004')).toBe(0);
    expect((await t.purchase({ product_id: '004', quantity: 1 })).json.code).toBe('OUT_OF_STOCK');
  });
});

describe('errors of the documentation table', () => {
  it('401 NO_KEY without the header, INVALID_KEY for unknown, malformed or revoked keys', async () => {
    expect((await t.call('GET', '/api/v1/balance', { key: null })).json).toMatchObject({ success: false, code: 'NO_KEY' });
    for (const key of ['mk_unknown', 'not-a-key', 'mk_test_revoked', '']) {
      const res = await t.call('GET', '/api/v1/balance', { key });
      expect(res.status, key).toBe(401);
      expect(res.json.code, key).toBe(key === '' ? 'NO_KEY' : 'INVALID_KEY');
    }
  });

  it('403 FORBIDDEN for a suspended account on every endpoint', async () => {
    for (const [method, path, body] of [['GET', '/api/v1/balance'], ['GET', '/api/v1/products'], ['POST', '/api/v1/purchase', { product_id: '002', quantity: 1 }]] as const) {
      const res = await t.call(method, path, { key: 'mk_test_suspended', body });
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ success: false, code: 'FORBIDDEN' });
    }
  });

  it('402 INSUFFICIENT_BALANCE says required and available, and charges nothing', async () => {
    const res = await t.purchase({ product_id: '002', quantity: 1 }, { key: 'mk_test_bob' });
    expect(res.status).toBe(402);
    expect(res.json).toMatchObject({ success: false, code: 'INSUFFICIENT_BALANCE', required: 5, available: 0.5 });
    expect(await t.balance('mk_test_bob')).toBe(0.5);
    expect((await t.purchase({ product_id: '005', quantity: 1 })).json).toMatchObject({ code: 'INSUFFICIENT_BALANCE', required: 149.99, available: 100 });
  });

  it('404 PRODUCT_NOT_FOUND for an unknown product id', async () => {
    const res = await t.purchase({ product_id: '999', quantity: 1 });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ success: false, code: 'PRODUCT_NOT_FOUND' });
  });

  it('409 OUT_OF_STOCK for product 003', async () => {
    const res = await t.purchase({ product_id: '003', quantity: 1 });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ code: 'OUT_OF_STOCK', requested: 1, stock: 0 });
  });

  it('404 NOT_FOUND and 405 METHOD_NOT_ALLOWED (mock codes) are JSON too', async () => {
    const unknown = await t.call('GET', '/api/v1/orders');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ success: false, code: 'NOT_FOUND' });
    const wrong = await t.call('DELETE', '/api/v1/balance');
    expect(wrong.status).toBe(405);
    expect(wrong.json.code).toBe('METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('Allow')).toBe('GET, HEAD');
    expect((await t.call('GET', '/api/v1/purchase')).headers.get('Allow')).toBe('POST');
    expect((await t.call('HEAD', '/api/v1/balance')).status).toBe(200);
  });
});

describe('validation (400 VALIDATION, naming the field)', () => {
  const cases: [string, unknown, string][] = [
    ['quantity as a string', { product_id: '002', quantity: '1' }, 'quantity'],
    ['fractional quantity', { product_id: '002', quantity: 1.5 }, 'quantity'],
    ['quantity 0', { product_id: '002', quantity: 0 }, 'quantity'],
    ['quantity 11', { product_id: '002', quantity: 11 }, 'quantity'],
    ['quantity null', { product_id: '002', quantity: null }, 'quantity'],
    ['quantity missing', { product_id: '002' }, 'quantity'],
    ['negative quantity', { product_id: '002', quantity: -1 }, 'quantity'],
    ['empty product_id', { product_id: '', quantity: 1 }, 'product_id'],
    ['numeric product_id', { product_id: 2, quantity: 1 }, 'product_id'],
    ['product_id missing', { quantity: 1 }, 'product_id'],
    ['an array body', [], '(body)'],
    ['a string body', '"buy"', '(body)'],
    ['a null body', 'null', '(body)'],
    ['broken JSON', '{"product_id":"002",', '(body)'],
    ['an empty body', '', '(body)'],
  ];
  it.each(cases)('%s', async (_name, body, field) => {
    const balance = await t.balance();
    const res = await t.call('POST', '/api/v1/purchase', { body, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, code: 'VALIDATION' });
    expect(res.json.error).toContain(field);
    expect(res.json.details.map((d: any) => d.path)).toContain(field);
    expect(await t.balance()).toBe(balance);
  });

  it('a body that is not JSON by content type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await t.call('POST', '/api/v1/purchase', { body: '{"product_id":"002","quantity":1}', headers: { 'Content-Type': type } });
      expect(res.status, type).toBe(400);
      expect(res.json.code).toBe('VALIDATION');
    }
  });

  it('a body without a Content-Type, or none at all', async () => {
    for (const body of ['{"product_id":"002","quantity":1}', undefined]) {
      const res = await readAnswer(await t.app.request('/api/v1/purchase', { method: 'POST', headers: { 'X-API-Key': 'mk_test_alice' }, body }));
      expect(res.json).toMatchObject({ code: 'VALIDATION', details: [{ path: '(body)', message: 'Content-Type must be application/json' }] });
    }
  });

  it('a body of megabytes is refused without being read: 413, and the connection is not kept', async () => {
    const res = await t.call('POST', '/api/v1/purchase', { body: JSON.stringify({ product_id: 'x'.repeat(3_000_000), quantity: 1 }) });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
    expect(res.json.error).toMatch(/over 16384 bytes/);
    expect(res.headers.get('Connection')).toBe('close');
  });

  it('an Idempotency-Key must be 1-255 printable ASCII characters', async () => {
    for (const key of ['x'.repeat(256), 'caf\u00e9', 'tab\there']) {
      const res = await t.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: key });
      expect(res.status, key).toBe(400);
      expect(res.json.details[0].path).toBe('Idempotency-Key');
    }
    expect((await t.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: 'x'.repeat(255) })).status).toBe(200);
    expect(await t.balance()).toBe(95);
  });
});

describe('order of checks', () => {
  it('unknown path and wrong method come before the key', async () => {
    expect((await t.call('GET', '/api/v1/nothing', { key: null })).json.code).toBe('NOT_FOUND');
    expect((await t.call('PUT', '/api/v1/purchase', { key: null })).json.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('the key comes before the account status, the rate limit and the body', async () => {
    expect((await t.call('POST', '/api/v1/purchase', { key: 'mk_bad', body: '{' })).json.code).toBe('INVALID_KEY');
  });

  it('a suspended account gets 403 even when its key is over the limit', async () => {
    await t.control('PATCH', '/settings', { rate_limit: 1 });
    expect((await t.call('GET', '/api/v1/balance', { key: 'mk_test_suspended' })).json.code).toBe('FORBIDDEN');
    expect((await t.call('GET', '/api/v1/balance', { key: 'mk_test_suspended' })).json.code).toBe('FORBIDDEN');
  });

  it('the rate limit comes before validation', async () => {
    await t.control('PATCH', '/settings', { rate_limit: 1 });
    expect((await t.call('GET', '/api/v1/balance')).status).toBe(200);
    expect((await t.purchase({ quantity: 'x' })).json.code).toBe('RATE_LIMITED');
  });

  it('the body comes before the Idempotency-Key', async () => {
    const both = await t.purchase({ product_id: '002', quantity: 11 }, { idempotencyKey: 'x'.repeat(256) });
    expect(both.json.details.map((d: any) => d.path)).toEqual(['quantity']);
  });

  it('validation comes before the product, stock and balance checks', async () => {
    expect((await t.purchase({ product_id: '999', quantity: 11 }, { key: 'mk_test_empty' })).json.code).toBe('VALIDATION');
  });

  it('unknown product before stock, stock before balance', async () => {
    expect((await t.purchase({ product_id: '999', quantity: 1 }, { key: 'mk_test_empty' })).json.code).toBe('PRODUCT_NOT_FOUND');
    expect((await t.purchase({ product_id: '003', quantity: 1 }, { key: 'mk_test_empty' })).json.code).toBe('OUT_OF_STOCK');
    expect((await t.purchase({ product_id: '002', quantity: 1 }, { key: 'mk_test_empty' })).json.code).toBe('INSUFFICIENT_BALANCE');
  });
});

describe('rate limit: 20 requests per rolling 60 s per key', () => {
  it('the 21st request gets 429 with retry_after_seconds and Retry-After; after that long it succeeds', async () => {
    for (let i = 0; i < 20; i++) {
      t.clock.advance(1000);
      expect((await t.call('GET', i % 2 ? '/api/v1/balance' : '/api/v1/products')).status).toBe(200);
    }
    const limited = await t.call('GET', '/api/v1/balance');
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ success: false, code: 'RATE_LIMITED' });
    // The first request was at +1 s, now is +20 s: it leaves the window at +61 s, 41 s from now.
    expect(limited.json.retry_after_seconds).toBe(41);
    expect(limited.headers.get('Retry-After')).toBe('41');
    t.clock.advance(40_000);
    expect((await t.call('GET', '/api/v1/balance')).status).toBe(429);
    t.clock.advance(1000);
    expect((await t.call('GET', '/api/v1/balance')).status).toBe(200);
  });

  it('answers refused with 429 do not count against the window', async () => {
    for (let i = 0; i < 20; i++) await t.call('GET', '/api/v1/balance');
    for (let i = 0; i < 30; i++) expect((await t.call('GET', '/api/v1/balance')).status).toBe(429);
    t.clock.advance(60_000);
    for (let i = 0; i < 20; i++) expect((await t.call('GET', '/api/v1/balance')).status, `request ${i}`).toBe(200);
  });

  it('counts every endpoint and every answer, including errors, but per key', async () => {
    for (let i = 0; i < 10; i++) await t.purchase({ product_id: '999', quantity: 1 });
    for (let i = 0; i < 10; i++) await t.call('GET', '/api/v1/products');
    expect((await t.purchase({ product_id: '001', quantity: 1 })).status).toBe(429);
    expect((await t.call('GET', '/api/v1/balance', { key: 'mk_test_bob' })).status).toBe(200);
  });

  it('the limit and window are settings', async () => {
    await t.control('PATCH', '/settings', { rate_limit: 2, rate_window_seconds: 10 });
    await t.call('GET', '/api/v1/balance');
    await t.call('GET', '/api/v1/balance');
    const limited = await t.call('GET', '/api/v1/balance');
    expect(limited.json.retry_after_seconds).toBe(10);
    t.clock.advance(10_000);
    expect((await t.call('GET', '/api/v1/balance')).status).toBe(200);
  });

  it('failed authentication is limited per client address, then every request from it waits', async () => {
    for (let i = 0; i < 20; i++) expect((await t.call('GET', '/api/v1/balance', { key: `mk_guess_${i}` })).status).toBe(401);
    const blocked = await t.call('GET', '/api/v1/balance', { key: 'mk_guess_x' });
    expect(blocked.status).toBe(429);
    expect(blocked.json.retry_after_seconds).toBe(60);
    // A right guess from the blocked address must not stand out.
    expect((await t.call('GET', '/api/v1/balance')).status).toBe(429);
    const other = createTestApp({ clientAddress: '198.51.100.7' });
    expect((await other.call('GET', '/api/v1/balance')).status).toBe(200);
    t.clock.advance(60_000);
    expect((await t.call('GET', '/api/v1/balance')).status).toBe(200);
  });
});

describe('idempotency', () => {
  const body = { product_id: '002', quantity: 1 };

  it('a retry with the same key and body returns the same order byte-for-byte, charges once, takes stock once', async () => {
    const stock = await stockOf('002');
    const first = await t.purchase(body, { idempotencyKey: 'order-001' });
    const retry = await t.purchase(body, { idempotencyKey: 'order-001' });
    expect(retry.status).toBe(200);
    expect(retry.text).toBe(first.text);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await t.balance()).toBe(95);
    expect(await stockOf('002')).toBe(stock - 1);
  });

  it('is forgotten after 24 hours: the same key then buys again', async () => {
    const first = await t.purchase(body, { idempotencyKey: 'order-002' });
    t.clock.advance(24 * 3600 * 1000 - 1000);
    expect((await t.purchase(body, { idempotencyKey: 'order-002' })).text).toBe(first.text);
    t.clock.advance(1000);
    const later = await t.purchase(body, { idempotencyKey: 'order-002' });
    expect(later.json.order_id).not.toBe(first.json.order_id);
    expect(later.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await t.balance()).toBe(90);
  });

  it('the same key with another body is 422 IDEMPOTENCY_KEY_REUSED, or a silent replay when switched', async () => {
    const first = await t.purchase(body, { idempotencyKey: 'order-003' });
    const reused = await t.purchase({ product_id: '002', quantity: 2 }, { idempotencyKey: 'order-003' });
    expect(reused.status).toBe(422);
    expect(reused.json).toMatchObject({ success: false, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await t.control('PATCH', '/settings', { idempotency_reuse: 'replay' })).json.idempotency_reuse).toBe('replay');
    const replayed = await t.purchase({ product_id: '001', quantity: 5 }, { idempotencyKey: 'order-003' });
    expect(replayed.text).toBe(first.text);
    expect(await t.balance()).toBe(95);
  });

  it('a failed purchase is not stored: after a top-up the same key succeeds', async () => {
    const failed = await t.purchase(body, { key: 'mk_test_bob', idempotencyKey: 'retry-me' });
    expect(failed.json.code).toBe('INSUFFICIENT_BALANCE');
    await t.control('POST', '/accounts/bob/top-up', { amount: 10 });
    const ok = await t.purchase(body, { key: 'mk_test_bob', idempotencyKey: 'retry-me' });
    expect(ok.status).toBe(200);
    expect(ok.json.balance_remaining).toBe(5.5);
  });

  it('a replay comes before the product checks: it still answers after the product sold out', async () => {
    const first = await t.purchase({ product_id: '004', quantity: 3 }, { idempotencyKey: 'all-of-004' });
    expect(await stockOf('004')).toBe(0);
    expect((await t.purchase({ product_id: '004', quantity: 3 }, { idempotencyKey: 'all-of-004' })).text).toBe(first.text);
  });

  it('is scoped to one account: two accounts may use the same key', async () => {
    const key = await newAccount(20);
    const a = await t.purchase(body, { idempotencyKey: 'shared' });
    const b = await t.purchase(body, { key, idempotencyKey: 'shared' });
    expect(b.json.order_id).not.toBe(a.json.order_id);
    expect(await t.balance(key)).toBe(15);
  });

  it('many concurrent retries with one key charge once', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => t.purchase(body, { idempotencyKey: 'burst' })));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(await t.balance()).toBe(95);
  });
});

describe('the documentation examples', () => {
  it('balance, products and a purchase of 002 with Idempotency-Key order-001, retried, charge once', async () => {
    const headers = { 'X-API-Key': 'mk_test_alice' };
    expect((await t.app.request('/api/v1/balance', { headers })).status).toBe(200);
    expect((await t.app.request('/api/v1/products', { headers })).status).toBe(200);
    const init = {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json', 'Idempotency-Key': 'order-001' },
      body: JSON.stringify({ product_id: '002', quantity: 1 }),
    };
    const order = (await (await t.app.request('/api/v1/purchase', init)).json()) as any;
    expect(order.success).toBe(true);
    expect(order.codes).toHaveLength(1);
    const again = (await (await t.app.request('/api/v1/purchase', init)).json()) as any;
    expect(again.order_id).toBe(order.order_id);
    expect(await t.balance()).toBe(95);
  });
});
