/**
 * Every fault kind over a real socket on 127.0.0.1: what the client sees (an answer, a closed or
 * reset connection, its own timeout) and what the sandbox holds afterwards (GET /_mock/state).
 * For the after-commit faults: the purchase is committed, the same-key retry replays it (same
 * order and codes, Idempotent-Replayed: true, charged once), a retry without a key buys again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { listen, type ListeningApp } from './support/listening-app.js';
import { answered, send, type Outcome, type SendOptions } from './support/raw-http.js';

let t: ListeningApp;
beforeAll(async () => {
  t = await listen();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.control('POST', '/reset');
  await t.control('PATCH', '/settings', { rate_limit: 100_000 });
});

const api = (path: string, options: SendOptions & { key?: string } = {}) =>
  send(`${t.origin}/api/v1${path}`, { ...options, headers: { 'X-API-Key': options.key ?? 'mk_test_alice', ...options.headers } });
const purchase = (idempotencyKey?: string, timeoutMs?: number) =>
  api('/purchase', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
    body: JSON.stringify({ product_id: '002', quantity: 1 }),
    timeoutMs,
  });

interface Order {
  id: string;
  codes: string[];
  idempotency_key: string | null;
}
async function holdings() {
  const state = (await t.control('GET', '/state')).json;
  return {
    balance: state.accounts.find((a: { id: string }) => a.id === 'alice').balance as number,
    stock: state.products.find((p: { id: string }) => p.id === '002').stock as number,
    orders: state.orders as Order[],
  };
}
async function addFault(rule: Record<string, unknown>) {
  const res = await t.control('POST', '/faults', rule);
  expect(res.status, res.text).toBe(201);
}
/** The newest journal entry with this Idempotency-Key (or the newest at all); the journal writes once the fault is done. */
const journaled = (idempotencyKey?: string) =>
  vi.waitFor(
    async () => {
      const query = idempotencyKey ? `?idempotency_key=${idempotencyKey}&order=oldest` : '';
      const entry = (await t.control('GET', `/journal${query}`)).json.entries[0];
      if (!entry) throw new Error('not journaled yet');
      return entry as Record<string, any>;
    },
    { timeout: 10_000, interval: 50 },
  );

const closed = { kind: 'error', code: 'ECONNRESET', message: 'socket hang up' };
const reset = { kind: 'error', code: 'ECONNRESET', message: expect.stringMatching(/^read ECONNRESET$/) };
const gaveUp = { kind: 'error', code: 'CLIENT_TIMEOUT' };

describe('faults before processing: nothing is checked, counted or charged', () => {
  it('latency: a delay, then the usual answer', async () => {
    await addFault({ kind: 'latency', min_ms: 20, max_ms: 60, times: 1 });
    const res = answered(await purchase());
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, balance_remaining: 95 });
    expect((await holdings()).balance).toBe(95);
    expect(await journaled()).toMatchObject({ fault: 'latency', status: 200, order_id: res.json.order_id });
  });

  it.each([
    [500, 'INTERNAL_ERROR'],
    [502, 'UPSTREAM_ERROR'],
    [503, 'SERVICE_UNAVAILABLE'],
    [504, 'UPSTREAM_TIMEOUT'],
  ])('error_response %i: JSON with code %s', async (status, code) => {
    await addFault({ kind: 'error_response', status, times: 1 });
    const res = answered(await purchase('err-1'));
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json).toMatchObject({ success: false, code, error: expect.stringContaining('sandbox fault rule') });
    expect(await holdings()).toMatchObject({ balance: 100, stock: 100, orders: [] });
    // The request never reached the purchase: the same key now buys for real.
    expect(answered(await purchase('err-1')).headers['idempotent-replayed']).toBeUndefined();
  });

  it('error_response as HTML, like a proxy in front of the API', async () => {
    await addFault({ kind: 'error_response', status: 504, body: 'html', times: 1 });
    const res = answered(await api('/balance'));
    expect(res.status).toBe(504);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<title>504 Gateway Time-out</title>');
    expect(await journaled()).toMatchObject({ status: 504, error_code: null, fault: 'error_response' });
  });

  it('close_before: the connection is closed without an answer', async () => {
    await addFault({ kind: 'close_before', operation: 'purchase', times: 1 });
    expect(await purchase('close-1')).toMatchObject(closed);
    expect(await holdings()).toMatchObject({ balance: 100, stock: 100, orders: [] });
    expect(await journaled('close-1')).toMatchObject({ status: 0, fault: 'close_before', response_body: null, request_body: '{"product_id":"002","quantity":1}' });
  });

  it('reset_before: the connection is reset without an answer', async () => {
    await addFault({ kind: 'reset_before', times: 1 });
    expect(await purchase('reset-1')).toMatchObject(reset);
    expect(await holdings()).toMatchObject({ balance: 100, stock: 100, orders: [] });
    expect(await journaled('reset-1')).toMatchObject({ status: 0, fault: 'reset_before' });
  });

  it('hang: no answer until the client gives up; the server then lets the connection go', async () => {
    await addFault({ kind: 'hang', times: 1 });
    expect(await purchase('hang-1', 300)).toMatchObject(gaveUp);
    // The default bound is a minute; the entry appears as soon as the client hung up, not then.
    expect(await journaled('hang-1')).toMatchObject({ status: 0, fault: 'hang', order_id: null });
    expect(await holdings()).toMatchObject({ balance: 100, stock: 100, orders: [] });
  });

  it('hang: bounded by max_ms, after which the connection is closed', async () => {
    await addFault({ kind: 'hang', max_ms: 200, times: 1 });
    expect(await api('/balance', { timeoutMs: 10_000 })).toMatchObject(closed);
    expect(answered(await api('/balance')).json).toEqual({ balance: 100, currency: 'USDT' });
  });
});

describe('after-commit faults: committed, the answer lost; the same key replays, no key buys again', () => {
  it.each([
    ['after_commit_reset', {}, undefined, reset, 0],
    ['after_commit_hang', {}, 300, gaveUp, 0],
    ['after_commit_hang', { max_ms: 200 }, 10_000, closed, 0],
    ['after_commit_error', { status: 500 }, undefined, { kind: 'answer', status: 500, json: { success: false, code: 'INTERNAL_ERROR' } }, 500],
    ['after_commit_error', { status: 502 }, undefined, { kind: 'answer', status: 502, json: { success: false, code: 'UPSTREAM_ERROR' } }, 502],
    ['after_commit_error', { status: 504, body: 'html' }, undefined, { kind: 'answer', status: 504, text: expect.stringContaining('504 Gateway Time-out') }, 504],
  ] as const)('%s %j', async (kind, options, timeoutMs, seen, journalStatus) => {
    await addFault({ kind, times: 1, ...options });
    const key = `lost-${kind}-${journalStatus}`;
    expect(await purchase(key, timeoutMs)).toMatchObject(seen as Partial<Outcome>);

    // Committed: charged, a code taken, the order stored with its key.
    const after = await holdings();
    expect(after).toMatchObject({ balance: 95, stock: 99 });
    expect(after.orders).toHaveLength(1);
    const [order] = after.orders;
    expect(order).toMatchObject({ idempotency_key: key, codes: [expect.stringMatching(/^SBX-002-/)] });
    expect(await journaled(key)).toMatchObject({ status: journalStatus, fault: kind, order_id: order!.id, replayed: false });

    const retry = answered(await purchase(key));
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json).toEqual({ success: true, order_id: order!.id, codes: order!.codes, balance_remaining: 95 });
    expect(await holdings()).toMatchObject({ balance: 95, stock: 99 });

    const again = answered(await purchase());
    expect(again.status).toBe(200);
    expect(again.json.order_id).not.toBe(order!.id);
    expect(again.json.codes).not.toEqual(order!.codes);
    const end = await holdings();
    expect(end).toMatchObject({ balance: 90, stock: 98 });
    expect(end.orders).toHaveLength(2);
  });
});

describe('a fault never answers another client', () => {
  it("other clients get their own answers while one request hangs or is reset, on kept-alive connections", async () => {
    await addFault({ kind: 'hang', key: 'mk_test_bob', max_ms: 1000 });
    await addFault({ kind: 'after_commit_reset', key: 'mk_test_empty' });
    await t.control('POST', '/accounts/empty/top-up', { amount: 50 });
    // fetch keeps connections alive and reuses them: an answer written to the wrong one would show here.
    const balanceOf = async (key: string) => (await fetch(`${t.origin}/api/v1/balance`, { headers: { 'X-API-Key': key } })).json();
    const bob = api('/balance', { key: 'mk_test_bob', timeoutMs: 10_000 });
    const empty = api('/purchase', {
      key: 'mk_test_empty',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ product_id: '001', quantity: 1 }),
    });
    const others = await Promise.all(Array.from({ length: 12 }, (_, i) => balanceOf(i % 2 ? 'mk_test_alice' : 'mk_test_suspended')));
    expect(others.filter((b) => b.balance === 100)).toHaveLength(6);
    expect(others.filter((b) => b.code === 'FORBIDDEN')).toHaveLength(6);
    expect(await bob).toMatchObject(closed);
    expect(await empty).toMatchObject(reset);
    expect(await balanceOf('mk_test_alice')).toEqual({ balance: 100, currency: 'USDT' });
  });
});
