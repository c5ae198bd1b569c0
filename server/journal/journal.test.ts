/**
 * The request journal in-process: what an entry holds for each kind of answer (routing errors,
 * 401/429, purchases and replays, faults), the filters and their 400s, the bound, clearing.
 * The stream and two processes on one file are in process-tests/.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});

const journal = async (query = '') => {
  const res = await t.control('GET', `/journal${query}`);
  expect(res.status, res.text).toBe(200);
  return res.json.entries as Record<string, any>[];
};

describe('what an entry holds', () => {
  it('a purchase and its replay: account, key prefix, Idempotency-Key, bodies, order, replayed', async () => {
    const body = { product_id: '002', quantity: 1 };
    const first = await t.purchase(body, { idempotencyKey: 'order-001' });
    t.clock.advance(1000);
    await t.purchase(body, { idempotencyKey: 'order-001' });
    const [replay, original] = await journal();
    expect(original).toMatchObject({
      method: 'POST',
      path: '/api/v1/purchase',
      operation: 'purchase',
      account_id: 'alice',
      key_prefix: 'mk_test_al',
      idempotency_key: 'order-001',
      request_body: JSON.stringify(body),
      status: 200,
      error_code: null,
      response_body: first.text,
      fault: null,
      order_id: first.json.order_id,
      replayed: false,
      at: new Date(t.clock.now() - 1000).toISOString(),
    });
    expect(replay).toMatchObject({ order_id: first.json.order_id, replayed: true, status: 200, id: original!.id + 1 });
    expect(original!.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('routing errors, a missing or unknown key, a suspended account and the rate limit', async () => {
    await t.call('GET', '/api/v1/orders');
    await t.call('DELETE', '/api/v1/balance');
    await t.call('GET', '/api/v1/balance', { key: null });
    await t.call('GET', '/api/v1/balance', { key: 'mk_test_nobody_knows' });
    await t.call('GET', '/api/v1/balance', { key: 'mk_test_suspended' });
    t.clock.advance(61_000); // past the window of the failed logins above
    await t.control('PATCH', '/settings', { rate_limit: 1 });
    await t.call('GET', '/api/v1/products', { key: 'mk_test_bob' });
    await t.call('GET', '/api/v1/products', { key: 'mk_test_bob' });
    const entries = await journal('?order=oldest');
    expect(entries.map((e) => [e.status, e.error_code, e.operation, e.account_id, e.key_prefix])).toEqual([
      [404, 'NOT_FOUND', null, 'alice', 'mk_test_al'],
      [405, 'METHOD_NOT_ALLOWED', null, 'alice', 'mk_test_al'],
      [401, 'NO_KEY', 'getBalance', null, null],
      [401, 'INVALID_KEY', 'getBalance', null, 'mk_test_no'],
      [403, 'FORBIDDEN', 'getBalance', 'suspended', 'mk_test_su'],
      [200, null, 'listProducts', 'bob', 'mk_test_bo'],
      [429, 'RATE_LIMITED', 'listProducts', 'bob', 'mk_test_bo'],
    ]);
  });

  it('never keeps a whole key, even a short one, and truncates long bodies', async () => {
    await t.call('GET', '/api/v1/balance', { key: 'mk_short' });
    const long = JSON.stringify({ product_id: '002', quantity: 1, note: 'x'.repeat(10_000) });
    await t.call('POST', '/api/v1/purchase', { body: long, headers: { 'Content-Length': String(long.length) } });
    const [purchase, short] = await journal();
    expect(short!.key_prefix).toBe('mk_s');
    expect(purchase!.request_body).toBe(long.slice(0, 4096));
    expect(JSON.stringify(t.store.db.prepare('SELECT * FROM journal').all())).not.toMatch(/mk_test_alice|mk_short/);
  });

  it('a body over the limit (413) and the failed-authentication 429 with its limit_scope', async () => {
    const big = JSON.stringify({ product_id: '002', quantity: 1, note: 'x'.repeat(20_000) });
    await t.call('POST', '/api/v1/purchase', { body: big, headers: { 'Content-Length': String(big.length) } });
    for (let i = 0; i < 20; i++) await t.call('GET', '/api/v1/balance', { key: `mk_guess_${i}` });
    await t.call('GET', '/api/v1/balance', { key: 'mk_test_bob' }); // a right key new to this address
    const [locked] = await journal();
    const [tooLarge] = await journal('?order=oldest');
    expect(tooLarge).toMatchObject({ operation: 'purchase', account_id: 'alice', status: 413, error_code: 'PAYLOAD_TOO_LARGE', request_body: null });
    expect(locked).toMatchObject({ operation: 'getBalance', key_prefix: 'mk_test_bo', status: 429, error_code: 'RATE_LIMITED' });
    expect(JSON.parse(locked!.response_body)).toMatchObject({ limit_scope: 'failed_auth_address', retry_after_seconds: 60 });
  });

  it('a fault: which one, and the 5xx code it answered with', async () => {
    await t.control('POST', '/faults', { kind: 'error_response', status: 503, times: 1 });
    await t.call('GET', '/api/v1/balance');
    expect((await journal())[0]).toMatchObject({ status: 503, error_code: 'SERVICE_UNAVAILABLE', fault: 'error_response' });
  });

  it('every answer body exactly as the client got it: JSON, a proxy\'s HTML page, a cached product list', async () => {
    await t.control('POST', '/faults', { kind: 'error_response', status: 502, body: 'html', times: 1 });
    const page = await t.call('GET', '/api/v1/balance');
    const balance = await t.call('GET', '/api/v1/balance');
    const first = await t.call('GET', '/api/v1/products');
    const again = await t.call('GET', '/api/v1/products'); // the kept rendering (server/api/products-handler.ts)
    const [againEntry, firstEntry, balanceEntry, pageEntry] = await journal();
    expect(page.text).toContain('502 Bad Gateway');
    expect(pageEntry).toMatchObject({ status: 502, error_code: null, fault: 'error_response', response_body: page.text });
    expect(balanceEntry).toMatchObject({ status: 200, response_body: balance.text });
    expect(firstEntry!.response_body).toBe(first.text);
    expect(againEntry!.response_body).toBe(again.text);
  });

  it('does not journal the control API, /health or the documents', async () => {
    await t.control('GET', '/state');
    await t.app.request('/health');
    await t.app.request('/openapi.yaml');
    expect(await journal()).toEqual([]);
  });
});

describe('filters', () => {
  beforeEach(async () => {
    await t.control('PATCH', '/settings', { rate_limit: 100_000 });
    await t.call('GET', '/api/v1/balance'); // at T
    t.clock.advance(60_000);
    await t.call('GET', '/api/v1/products', { key: 'mk_test_bob' }); // at T+60 s
    t.clock.advance(60_000);
    await t.purchase({ product_id: '002', quantity: 1 }, { key: 'mk_test_bob', idempotencyKey: 'bob-1' }); // 402, at T+120 s
    await t.purchase({ product_id: '001', quantity: 1 }, { idempotencyKey: 'alice-1' }); // 200
  });
  const start = Date.parse('2026-01-01T00:00:00.000Z');

  it.each([
    ['', 4],
    ['?account=bob', 2],
    ['?key_prefix=mk_test_al', 2],
    ['?key_prefix=mk_test_alice', 2],
    ['?operation=purchase', 2],
    ['?status=402', 1],
    ['?code=INSUFFICIENT_BALANCE', 1],
    ['?idempotency_key=alice-1', 1],
    [`?since=${start + 60_000}`, 3],
    ['?since=2026-01-01T00:01:00Z&until=2026-01-01T00:01:30Z', 1],
    [`?until=${start}`, 1],
    ['?account=bob&operation=purchase&status=402', 1],
    ['?limit=2', 2],
  ])('%s: %i entries', async (query, count) => {
    expect(await journal(query)).toHaveLength(count);
  });

  it('newest first by default, oldest first on request; limit takes from that end', async () => {
    const newest = await journal('?limit=2');
    const oldest = await journal('?order=oldest&limit=2');
    expect(newest.map((e) => e.idempotency_key)).toEqual(['alice-1', 'bob-1']);
    expect(oldest.map((e) => e.operation)).toEqual(['getBalance', 'listProducts']);
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=1001', 'limit'],
    ['?limit=ten', 'limit'],
    ['?status=abc', 'status'],
    ['?status=600', 'status'],
    ['?since=yesterday', 'since'],
    ['?until=2026-13-45T99:00:00Z', 'until'],
    ['?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', 'since'],
    ['?order=random', 'order'],
    ['?operation=refund', 'operation'],
    ['?code=not-a-code', 'code'],
    ['?acount=bob', 'acount'],
  ])('%s: 400 CONTROL_VALIDATION naming %s', async (query, parameter) => {
    const res = await t.control('GET', `/journal${query}`);
    expect(res.status, res.text).toBe(400);
    expect(res.json.code).toBe('CONTROL_VALIDATION');
    expect(res.json.details.map((d: { path: string }) => d.path)).toContain(parameter);
  });
});

describe('the bound', () => {
  it('keeps exactly the newest journal_limit entries, however many were written', async () => {
    await t.control('PATCH', '/settings', { rate_limit: 100_000, journal_limit: 50 });
    for (let i = 0; i < 300; i++) await t.call('GET', '/api/v1/balance', { headers: { 'Idempotency-Key': `n-${i}` } });
    const kept = await journal('?limit=1000');
    expect(kept).toHaveLength(50);
    expect(kept[0]!.idempotency_key).toBe('n-299');
    expect(kept.at(-1)!.idempotency_key).toBe('n-250');
    // Rows past the bound are deleted every 100 writes, so the table itself stays near the limit.
    const rows = (t.store.db.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n;
    expect(rows).toBeLessThan(50 + 100);
  });

  it('lowering the limit prunes at once; entries ids keep increasing after a clear or a reset', async () => {
    for (let i = 0; i < 10; i++) await t.call('GET', '/api/v1/balance', { key: 'mk_test_empty' });
    await t.control('PATCH', '/settings', { journal_limit: 3 });
    expect((t.store.db.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n).toBe(3);
    const lastBefore = (await journal())[0]!.id;
    expect((await t.control('DELETE', '/journal')).json.message).toBe('Removed 3 journal entries.');
    expect(await journal()).toEqual([]);
    await t.call('GET', '/api/v1/balance');
    expect((await journal())[0]!.id).toBe(lastBefore + 1);
    await t.control('POST', '/reset');
    expect(await journal()).toEqual([]);
  });
});
