/**
 * Two real server processes on one SQLite file (WAL), driven over real HTTP on
 * 127.0.0.1 with requests spread across both and sent in parallel. Each process
 * has its own connection and event loop, so only the database's write lock keeps
 * them from both selling the last code, both spending the last cent, both
 * missing an idempotency record or both letting the tenth request through.
 * Assertions hold whatever order the requests run in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMicros } from '../spec/money.js';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';
import { readAnswer, statusCounts, type Answer, type SandboxState } from '../server/test-support/test-app.js';


let dir: string;
let dbPath: string;
let servers: SpawnedSandbox[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ai-market-multi-process-'));
  dbPath = join(dir, 'shared.sqlite');
  // Both start at once on a new file: one migrates and seeds, the other waits for it.
  // A long window keeps every request of a test inside one rate window.
  const args = ['--rate-limit', '100000', '--rate-window', '3600'];
  const started = await Promise.allSettled([spawnSandbox({ db: dbPath, args }), spawnSandbox({ db: dbPath, args })]);
  // Keep whichever did start, so afterAll stops it even when the other failed.
  servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  for (const s of started) if (s.status === 'rejected') throw s.reason;
});

afterAll(() => {
  for (const server of servers) server.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(server: SpawnedSandbox, method: string, path: string, init: { key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key) headers['X-API-Key'] = init.key;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  return readAnswer(await fetch(`${server.baseUrl}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) }));
}

/** Runs fn over the items with at most `limit` in flight, keeping answers in item order. */
async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** n purchases, request i to server i % 2, at most 20 in flight. */
const purchases = (n: number, key: string, body: (i: number) => unknown, headers: Record<string, string> = {}) =>
  inParallel(Array.from({ length: n }, (_, i) => i), 20, (i) =>
    call(servers[i % 2]!, 'POST', '/api/v1/purchase', { key, body: body(i), headers }),
  );

async function control(method: string, path: string, body?: unknown): Promise<Answer> {
  return call(servers[0]!, method, `/_mock${path}`, { body });
}

async function addAccount(id: string, balance: number | string): Promise<string> {
  const res = await control('POST', '/accounts', { id, balance, key: `mk_test_${id.replace(/-/g, '_')}` });
  expect(res.status, res.text).toBe(201);
  return res.json.key as string;
}

async function addProduct(id: string, price: number | string, stock: number) {
  const res = await control('PUT', `/products/${id}`, { name: `Multi-process ${id}`, price, stock });
  expect(res.status, res.text).toBe(200);
}

/** Read through the second process, so what one wrote is checked as the other sees it. */
async function state() {
  const res = await call(servers[1]!, 'GET', '/_mock/state');
  expect(res.status).toBe(200);
  return res.json as SandboxState;
}

describe('two server processes on one database file', () => {
  it('both answer from the one file', async () => {
    const health = await Promise.all(servers.map((s) => call(s, 'GET', '/health')));
    expect(health.map((h) => h.status)).toEqual([200, 200]);
    expect(servers[0]!.baseUrl).not.toBe(servers[1]!.baseUrl);
    // Seeded once although both started on an empty file.
    const s = await state();
    expect(s.accounts.filter((a) => a.id === 'alice')).toHaveLength(1);
    expect(s.orders).toEqual([]);
  });

  it('sells a stock of 5 exactly once to 40 parallel requests spread across both', async () => {
    await addProduct('mp-low', 1, 5);
    const key = await addAccount('mp-low', 100);

    const answers = await purchases(40, key, () => ({ product_id: 'mp-low', quantity: 1 }));

    expect(statusCounts(answers)).toEqual({ 200: 5, 409: 35 });
    for (const a of answers.filter((a) => a.status === 409)) {
      expect(a.json).toMatchObject({ success: false, code: 'OUT_OF_STOCK', requested: 1, stock: 0 });
    }
    const codes = answers.filter((a) => a.status === 200).flatMap((a) => a.json.codes as string[]);
    expect(new Set(codes).size).toBe(5);
    const s = await state();
    expect(s.products.find((p) => p.id === 'mp-low')).toMatchObject({ stock: 0, sold: 5 });
    expect(s.accounts.find((a) => a.id === 'mp-low')!.balance).toBe(95);
    expect(s.orders.filter((o) => o.product_id === 'mp-low').flatMap((o) => o.codes).sort()).toEqual([...codes].sort());
  });

  it('lets exactly ten 0.10 purchases through a 1.00 wallet, from both processes, leaving exactly 0', async () => {
    await addProduct('mp-dime', '0.10', 1000);
    const key = await addAccount('mp-wallet', '1.00');

    const answers = await purchases(40, key, () => ({ product_id: 'mp-dime', quantity: 1 }));

    expect(statusCounts(answers)).toEqual({ 200: 10, 402: 30 });
    for (const a of answers.filter((a) => a.status === 402)) {
      expect(a.json).toMatchObject({ success: false, code: 'INSUFFICIENT_BALANCE', required: 0.1, available: 0 });
    }
    // One debit after another, whichever process made it: each balance from 0.9 down to 0 seen once.
    const remaining = answers.filter((a) => a.status === 200).map((a) => a.json.balance_remaining as number);
    expect(remaining.sort((x, y) => x - y)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    const s = await state();
    expect(s.accounts.find((a) => a.id === 'mp-wallet')!.balance).toBe(0);
    expect(s.products.find((p) => p.id === 'mp-dime')).toMatchObject({ sold: 10 });
  });

  it('never charges past a small wallet with mixed quantities, and never goes below zero', async () => {
    await addProduct('mp-mix', '0.30', 1000);
    const key = await addAccount('mp-mixer', '2.50');
    const quantity = (i: number) => (i % 4) + 1;

    const answers = await purchases(40, key, (i) => ({ product_id: 'mp-mix', quantity: quantity(i) }));

    expect(answers.every((a) => a.status === 200 || a.status === 402), JSON.stringify(statusCounts(answers))).toBe(true);
    const successes = answers.filter((a) => a.status === 200);
    const units = successes.reduce((n, a) => n + (a.json.codes as string[]).length, 0);
    const balance = toMicros((await state()).accounts.find((a) => a.id === 'mp-mixer')!.balance)!;
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(balance).toBe(toMicros('2.50')! - units * toMicros('0.30')!);
    expect(new Set(successes.flatMap((a) => a.json.codes as string[])).size).toBe(units);
    expect(new Set(successes.map((a) => a.json.balance_remaining)).size).toBe(successes.length);
    // The balance only falls, so a refusal then is a refusal now: none was spurious.
    for (const a of answers.filter((a) => a.status === 402)) {
      expect(a.json.code).toBe('INSUFFICIENT_BALANCE');
      expect(toMicros(a.json.required)!).toBeGreaterThan(balance);
    }
  });

  it('charges once for one Idempotency-Key sent to both processes in parallel, with byte-equal answers', async () => {
    await addProduct('mp-idem', 2, 100);
    const key = await addAccount('mp-retrier', 10);

    const answers = await purchases(20, key, () => ({ product_id: 'mp-idem', quantity: 2 }), { 'Idempotency-Key': 'order-001' });

    expect(statusCounts(answers)).toEqual({ 200: 20 });
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('Idempotent-Replayed') === 'true')).toHaveLength(19);
    const s = await state();
    const orders = s.orders.filter((o) => o.account_id === 'mp-retrier');
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ quantity: 2, idempotency_key: 'order-001', codes: answers[0]!.json.codes });
    expect(s.accounts.find((a) => a.id === 'mp-retrier')!.balance).toBe(6);
    expect(s.products.find((p) => p.id === 'mp-idem')).toMatchObject({ stock: 98, sold: 2 });
  });

  it('makes one order when one key comes with two bodies to both processes; the other body gets 422', async () => {
    await addProduct('mp-idem2', 2, 100);
    const key = await addAccount('mp-mixed', 10);
    // Every request for quantity 1 goes to one process and every one for 2 to the other.
    const quantity = (i: number) => (i % 2) + 1;

    const answers = await purchases(20, key, (i) => ({ product_id: 'mp-idem2', quantity: quantity(i) }), { 'Idempotency-Key': 'order-002' });

    const orders = (await state()).orders.filter((o) => o.account_id === 'mp-mixed');
    expect(orders).toHaveLength(1);
    const won = orders[0]!.quantity;
    const winners = answers.filter((_, i) => quantity(i) === won);
    const losers = answers.filter((_, i) => quantity(i) !== won);
    expect(statusCounts(winners)).toEqual({ 200: 10 });
    expect(new Set(winners.map((a) => a.text)).size).toBe(1);
    expect(statusCounts(losers)).toEqual({ 422: 10 });
    for (const a of losers) expect(a.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('shares the per-key rate limit: a limit of 10 lets exactly 10 of 30 parallel requests through across both', async () => {
    const key = await addAccount('mp-limited', 10);
    expect((await control('PATCH', '/settings', { rate_limit: 10 })).status).toBe(200);
    try {
      const answers = await inParallel(Array.from({ length: 30 }, (_, i) => i), 30, (i) =>
        call(servers[i % 2]!, 'GET', '/api/v1/balance', { key }),
      );
      // Were the limit counted per process, each would let 10 of its 15 through: 20.
      expect(statusCounts(answers)).toEqual({ 200: 10, 429: 20 });
      for (const a of answers.filter((a) => a.status === 429)) {
        expect(a.json.code).toBe('RATE_LIMITED');
        expect(Number(a.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
      }
    } finally {
      expect((await control('PATCH', '/settings', { rate_limit: 100_000 })).status).toBe(200);
    }
  });

  it('stops both cleanly on SIGTERM (exit 0) and leaves a consistent database', async () => {
    const codes = await Promise.all(servers.map((s) => s.stop('SIGTERM')));
    expect(codes).toEqual([0, 0]);
    for (const server of servers) expect(server.output()).toContain('Stopped cleanly.');

    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // Every order holds exactly as many codes as it sold; no code belongs to two orders (codes.code is UNIQUE).
      const mismatched = db
        .prepare('SELECT o.id FROM orders o LEFT JOIN codes c ON c.order_id = o.id GROUP BY o.id HAVING COUNT(c.seq) != o.quantity')
        .all();
      expect(mismatched).toEqual([]);
      const negative = db.prepare('SELECT id FROM accounts WHERE balance_micros < 0').all();
      expect(negative).toEqual([]);
    } finally {
      db.close();
    }
  });
});
