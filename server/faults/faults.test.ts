/**
 * Fault rules in-process: the control API's checks (400 naming the field), which requests a
 * rule matches, how often it fires (times, every, a seeded probability that repeats), and
 * rules from a fixture surviving a reset. What a client sees on a real socket is in
 * process-tests/faults-http.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = createTestApp();
  await t.control('PATCH', '/settings', { rate_limit: 100_000 });
});

const addRule = async (rule: Record<string, unknown>) => {
  const res = await t.control('POST', '/faults', rule);
  expect(res.status, res.text).toBe(201);
  return res.json as { id: number; seed: number };
};
const balanceStatus = async (key = 'mk_test_alice', headers: Record<string, string> = {}) => (await t.call('GET', '/api/v1/balance', { key, headers })).status;
const statuses = async (n: number, send: () => Promise<number>) => {
  const seen: number[] = [];
  for (let i = 0; i < n; i++) seen.push(await send());
  return seen;
};

describe('bad rules', () => {
  it.each([
    [{ kind: 'teleport' }, 'kind'],
    [{}, 'kind'],
    [{ kind: 'error_response', probability: 1.5 }, 'probability'],
    [{ kind: 'error_response', probability: -0.1 }, 'probability'],
    [{ kind: 'after_commit_reset', operation: 'getBalance' }, 'operation'],
    [{ kind: 'after_commit_error', operation: 'listProducts' }, 'operation'],
    [{ kind: 'close_before', times: 1, every: 2 }, 'every'],
    [{ kind: 'close_before', every: 2, probability: 0.5 }, 'probability'],
    [{ kind: 'latency', min_ms: 500, max_ms: 100 }, 'min_ms'],
    [{ kind: 'latency' }, 'ms'],
    [{ kind: 'latency', ms: 10, max_ms: 20 }, 'ms'],
    [{ kind: 'latency', max_ms: 20 }, 'min_ms'],
    [{ kind: 'hang', max_ms: 5 * 60 * 1000 + 1 }, 'max_ms'],
    [{ kind: 'error_response', status: 501 }, 'status'],
    [{ kind: 'after_commit_error', status: 503 }, 'status'],
    [{ kind: 'error_response', body: 'xml' }, 'body'],
    [{ kind: 'reset_before', key: 'mk_test_alice', key_prefix: 'mk_test' }, 'key_prefix'],
    [{ kind: 'reset_before', key_prefix: 'mk_test_alice' }, 'key_prefix'],
    [{ kind: 'reset_before', product_id: '002', operation: 'getBalance' }, 'operation'],
    [{ kind: 'reset_before', times: 0 }, 'times'],
    [{ kind: 'reset_before', when: 'always' }, 'when'],
    [{ kind: 'hang', status: 502 }, 'status'],
  ])('%j: 400 CONTROL_VALIDATION naming %s', async (rule, field) => {
    const res = await t.control('POST', '/faults', rule);
    expect(res.status, res.text).toBe(400);
    expect(res.json.code).toBe('CONTROL_VALIDATION');
    expect(res.json.details.map((d: { path: string }) => d.path)).toContain(field);
    expect((await t.control('GET', '/faults')).json.faults).toEqual([]);
  });
});

describe('the rule list', () => {
  it('shows each rule with its seed and counters, never a whole key; removes one or all', async () => {
    const first = await addRule({ kind: 'error_response', key: 'mk_test_alice', times: 2 });
    await addRule({ kind: 'hang', key_prefix: 'mk_test_b', every: 3, max_ms: 1000 });
    await balanceStatus();
    const list = (await t.control('GET', '/faults')).json.faults;
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ id: first.id, kind: 'error_response', source: 'api', key: 'mk_test_al…', times: 2, status: 502, body: 'json', seen: 1, fired: 1, remaining: 1 });
    expect(list[1]).toMatchObject({ kind: 'hang', key_prefix: 'mk_test_b', every: 3, max_ms: 1000, remaining: null });
    expect(JSON.stringify(t.store.db.prepare('SELECT * FROM fault_rules').all())).not.toContain('mk_test_alice');

    expect((await t.control('DELETE', `/faults/${first.id}`)).json.id).toBe(first.id);
    expect((await t.control('DELETE', `/faults/${first.id}`)).json.code).toBe('FAULT_NOT_FOUND');
    expect((await t.control('DELETE', '/faults/abc')).json.details[0].path).toBe('id');
    expect((await t.control('DELETE', '/faults')).json.message).toBe('Removed 1 fault rule.');
    expect((await t.control('GET', '/faults')).json.faults).toEqual([]);
  });
});

describe('how often', () => {
  it('times: the next N matching requests, then the rule is spent', async () => {
    await addRule({ kind: 'error_response', times: 2 });
    expect(await statuses(4, () => balanceStatus())).toEqual([502, 502, 200, 200]);
  });

  it('every: the Nth, 2Nth, ... matching request', async () => {
    await addRule({ kind: 'error_response', status: 503, every: 3 });
    expect(await statuses(7, () => balanceStatus())).toEqual([200, 200, 503, 200, 200, 503, 200]);
  });

  it('probability: a seeded rule gives the same sequence again; another seed another one', async () => {
    const run = async (seed: number) => {
      await t.control('DELETE', '/faults');
      await addRule({ kind: 'error_response', probability: 0.5, seed });
      return statuses(40, () => balanceStatus());
    };
    const first = await run(42);
    expect(first).toContain(502);
    expect(first).toContain(200);
    expect(await run(42)).toEqual(first);
    expect(await run(7)).not.toEqual(first);
    // A reset starts the same rule over from its seed too.
    await t.control('DELETE', '/faults');
    await t.control('POST', '/fixtures', { ...fixtureWith([{ kind: 'error_response', probability: 0.5, seed: 42 }]) });
    expect(await statuses(40, () => balanceStatus())).toEqual(first);
  });

  it('probability 0 never fires, 1 always', async () => {
    await addRule({ kind: 'error_response', probability: 0 });
    expect(await statuses(5, () => balanceStatus())).toEqual([200, 200, 200, 200, 200]);
    await t.control('DELETE', '/faults');
    await addRule({ kind: 'error_response', probability: 1 });
    expect(await statuses(3, () => balanceStatus())).toEqual([502, 502, 502]);
  });

  it('a latency range draws its delays from the seed: the same seed, the same delays, all within the range', () => {
    const delays = (seed: number) => {
      t.store.faults.removeAll();
      const added = t.store.faults.add({ kind: 'latency', min_ms: 10, max_ms: 500, seed }, 'api', 0);
      if (added.kind !== 'added') throw new Error('refused');
      return Array.from({ length: 8 }, () => t.store.faults.take([added.rule.id])!.delayMs);
    };
    const first = delays(3);
    expect(delays(3)).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
    for (const ms of first) expect(ms >= 10 && ms <= 500).toBe(true);
  });

  it('rules are tried in order; the first that fires applies and the later ones do not count the request', async () => {
    const a = await addRule({ kind: 'error_response', status: 500, times: 1 });
    const b = await addRule({ kind: 'error_response', status: 504, times: 1 });
    expect(await statuses(3, () => balanceStatus())).toEqual([500, 504, 200]);
    const list = (await t.control('GET', '/faults')).json.faults;
    expect(list.find((r: { id: number }) => r.id === a.id)).toMatchObject({ seen: 1, fired: 1 });
    expect(list.find((r: { id: number }) => r.id === b.id)).toMatchObject({ seen: 1, fired: 1 });
  });
});

describe('which requests', () => {
  it('by operation', async () => {
    await addRule({ kind: 'error_response', operation: 'listProducts' });
    expect(await balanceStatus()).toBe(200);
    expect((await t.call('GET', '/api/v1/products')).status).toBe(502);
  });

  it('by account, by whole key and by key prefix', async () => {
    const carol = await t.control('POST', '/accounts', { id: 'carol', balance: 1 });
    const extra = await t.control('POST', '/accounts/alice/keys');
    await addRule({ kind: 'error_response', status: 500, account: 'carol' });
    await addRule({ kind: 'error_response', status: 503, key: extra.json.key });
    await addRule({ kind: 'error_response', status: 504, key_prefix: 'mk_test_b' });
    expect(await balanceStatus(carol.json.key)).toBe(500);
    expect(await balanceStatus(extra.json.key)).toBe(503);
    expect(await balanceStatus('mk_test_alice')).toBe(200);
    expect(await balanceStatus('mk_test_bob')).toBe(504);
    expect(await balanceStatus('mk_test_empty')).toBe(200);
  });

  it('by product (purchases only) and by whether an Idempotency-Key is sent', async () => {
    await addRule({ kind: 'error_response', status: 500, product_id: '004' });
    await addRule({ kind: 'error_response', status: 503, with_idempotency_key: true, operation: 'getBalance' });
    // The body is read for a product rule when it declares its length, as HTTP clients' bodies do.
    const buy = (product_id: string) => {
      const body = JSON.stringify({ product_id, quantity: 1 });
      return t.call('POST', '/api/v1/purchase', { body, headers: { 'Content-Length': String(body.length) } });
    };
    expect((await buy('001')).status).toBe(200);
    expect((await buy('004')).status).toBe(500);
    expect(await balanceStatus()).toBe(200);
    expect(await balanceStatus('mk_test_alice', { 'Idempotency-Key': 'x' })).toBe(503);
    // The rule on 004 answered before the purchase ran: nothing was charged for it.
    expect(await t.balance()).toBe(99.9);
  });

  it('a fault before processing is not counted against the rate limit and charges nothing', async () => {
    await t.control('PATCH', '/settings', { rate_limit: 2 });
    await addRule({ kind: 'error_response', times: 3 });
    expect(await statuses(5, () => balanceStatus())).toEqual([502, 502, 502, 200, 200]);
  });
});

describe('an after-commit error', () => {
  it('commits the purchase, answers 502 instead; the same key replays it, no key buys again', async () => {
    await addRule({ kind: 'after_commit_error', times: 1 });
    const body = { product_id: '002', quantity: 1 };
    const lost = await t.purchase(body, { idempotencyKey: 'lost-1' });
    expect(lost.status).toBe(502);
    expect(lost.json).toMatchObject({ success: false, code: 'UPSTREAM_ERROR' });
    expect(await t.balance()).toBe(95);
    const retry = await t.purchase(body, { idempotencyKey: 'lost-1' });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    const state = (await t.control('GET', '/state')).json;
    expect(state.orders).toHaveLength(1);
    expect(state.orders[0]).toMatchObject({ id: retry.json.order_id, codes: retry.json.codes, idempotency_key: 'lost-1' });
    expect(await t.balance()).toBe(95);
    expect((await t.purchase(body)).status).toBe(200);
    expect(await t.balance()).toBe(90);
  });

  it('leaves refused purchases and replays alone', async () => {
    await addRule({ kind: 'after_commit_error', status: 500 });
    expect((await t.purchase({ product_id: '003', quantity: 1 })).json.code).toBe('OUT_OF_STOCK');
    expect((await t.purchase({ product_id: '001', quantity: 1 }, { idempotencyKey: 'k' })).status).toBe(500);
    expect((await t.purchase({ product_id: '001', quantity: 1 }, { idempotencyKey: 'k' })).status).toBe(200);
  });
});

describe('rules in a fixture', () => {
  it('load with the fixture and come back, with fresh counters, at every reset; API rules go', async () => {
    const loaded = await t.control('POST', '/fixtures', fixtureWith([{ kind: 'error_response', status: 503, times: 1 }]));
    expect(loaded.status, loaded.text).toBe(200);
    await addRule({ kind: 'error_response', status: 500 });
    expect(await statuses(3, () => balanceStatus())).toEqual([503, 500, 500]);
    await t.control('POST', '/reset');
    await t.control('PATCH', '/settings', { rate_limit: 100_000 });
    const list = (await t.control('GET', '/faults')).json.faults;
    expect(list).toEqual([expect.objectContaining({ source: 'fixture', kind: 'error_response', status: 503, seen: 0, fired: 0 })]);
    expect(await statuses(2, () => balanceStatus())).toEqual([503, 200]);
  });

  it('refuses a bad rule in a fixture with its path', async () => {
    const res = await t.control('POST', '/fixtures', fixtureWith([{ kind: 'hang', max_ms: 10_000_000 }]));
    expect(res.status).toBe(400);
    expect(res.json.details[0].path).toBe('faults.0.max_ms');
    const whole = await t.control('POST', '/fixtures', fixtureWith([{ kind: 'hang', key_prefix: 'mk_test_alice' }]));
    expect(whole.json.details[0].path).toBe('faults.0.key_prefix');
  });
});

function fixtureWith(faults: unknown[]) {
  return {
    accounts: [{ id: 'alice', balance: 100, keys: [{ key: 'mk_test_alice' }] }],
    products: [{ id: '001', name: 'Sandbox code', price: 0.1, stock: 10 }],
    faults,
  };
}
