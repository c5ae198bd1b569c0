/**
 * Crash test: purchases under load from six parallel clients, the server SIGKILLed (kill -9, its
 * whole process group) at a random moment — after a seeded random number of answers in that round
 * — and restarted on the same database file, ten times. Every purchase carries its own
 * Idempotency-Key; one that got no answer is retried after the restart with the same key and body.
 * Afterwards: the file passes PRAGMA integrity_check (opened with better-sqlite3 right after the
 * last kill), every acknowledged order (a 200 the client received) is in GET /_mock/state with its
 * codes, no key made two orders, money and stock add up to the micro-unit, no code was sold twice.
 *
 * The seed is printed; CRASH_SEED=<seed> replays the kill points (not the scheduling).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';
import { toMicros } from '../spec/money.js';

const KILLS = 10;
const WORKERS = 6;
const seed = process.env.CRASH_SEED !== undefined ? Number(process.env.CRASH_SEED) : Math.floor(Math.random() * 2 ** 31);
console.log(`[crash] seed ${seed} (replay the kill points: CRASH_SEED=${seed})`);

/** mulberry32: a small seeded generator, so the kill points replay. */
function seeded(state: number) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const random = seeded(seed);

const KEY = 'mk_crash_buyer_0001';
const START = { balance: '10000', products: { c1: { price: '0.25', stock: 5000 }, c2: { price: '1.1', stock: 300 } } } as const;
const fixture = {
  accounts: [{ id: 'buyer', balance: START.balance, status: 'active', keys: [{ key: KEY, revoked: false }] }],
  products: Object.entries(START.products).map(([id, p]) => ({ id, name: `Crash ${id}`, price: p.price, stock: p.stock })),
};

interface Attempt {
  body: string;
  /** The 200 the client received, byte for byte. */
  acknowledged?: string;
  /** 402/409: refused, nothing bought. */
  refused?: number;
  /** Sent, and the server died before answering. */
  lost?: boolean;
  /** Lost, then retried: the answer was a replay (it had committed before the kill). */
  committedUnseen?: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'crash-'));
const dbPath = join(dir, 'crash.sqlite');
const started: SpawnedSandbox[] = [];
afterAll(() => {
  for (const server of started) server.kill();
  rmSync(dir, { recursive: true, force: true });
});

const start = async () => {
  const server = await spawnSandbox({ db: dbPath, args: ['--rate-limit', '100000'] });
  started.push(server);
  return server;
};

const attempts = new Map<string, Attempt>();
let nextKey = 0;

/** Sends one purchase; false when the server did not answer (it is being killed). */
async function purchase(server: SpawnedSandbox, key: string): Promise<boolean> {
  const attempt = attempts.get(key)!;
  let status: number;
  let text: string;
  let replayed: boolean;
  try {
    const res = await fetch(`${server.baseUrl}/api/v1/purchase`, {
      method: 'POST',
      headers: { 'X-API-Key': KEY, 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: attempt.body,
      signal: AbortSignal.timeout(15_000),
    });
    status = res.status;
    replayed = res.headers.get('Idempotent-Replayed') === 'true';
    text = await res.text();
  } catch {
    attempt.lost = true;
    return false;
  }
  if (attempt.lost && replayed) attempt.committedUnseen = true;
  if (status === 200) {
    // A retry of an acknowledged purchase must be its replay, byte for byte.
    if (attempt.acknowledged !== undefined) expect(text, `retry of ${key}`).toBe(attempt.acknowledged);
    attempt.acknowledged = text;
  } else {
    expect([402, 409], `${key}: ${status} ${text}`).toContain(status);
    attempt.refused = status;
  }
  return true;
}

/**
 * Purchases from `WORKERS` clients until `answers` have come back, then kill -9 in the middle of the
 * rest, at once or up to a few milliseconds later (so some die inside their transaction or just
 * after its commit, before the answer is out).
 */
async function round(server: SpawnedSandbox, answers: number, retries: string[]) {
  let answered = 0;
  let killed = false;
  const delay = Math.floor(random() * 6);
  const worker = async () => {
    while (!killed) {
      let key = retries.pop();
      if (key === undefined) {
        key = `crash-${++nextKey}`;
        const product = random() < 0.8 ? 'c1' : 'c2';
        attempts.set(key, { body: JSON.stringify({ product_id: product, quantity: 1 + Math.floor(random() * 3) }) });
      }
      if (!(await purchase(server, key))) {
        retries.push(key);
        return;
      }
      if (++answered >= answers && !killed) {
        killed = true;
        // SIGKILL to the process group, with the other clients' requests in flight.
        if (delay === 0) server.kill();
        else setTimeout(() => server.kill(), delay);
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
}

describe('kill -9 under load, restart on the same file, ten times', () => {
  it('keeps every acknowledged order, money and stock add up, the file is intact', { timeout: 240_000 }, async () => {
    let server = await start();
    expect((await fetch(`${server.baseUrl}/_mock/fixtures`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fixture) })).status).toBe(200);
    const unanswered: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      if (kill > 0) server = await start();
      await round(server, 5 + Math.floor(random() * 60), unanswered);
      // Gone before the next one opens the file (the signal was sent; this waits for the exit).
      await server.stop('SIGKILL', 10_000);
    }

    // Right after the last kill, before anything opens it again.
    const raw = new Database(dbPath);
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }

    // Every purchase that got no answer, retried with its key: it either committed (a replay) or runs now.
    server = await start();
    for (const key of unanswered.splice(0)) expect(await purchase(server, key)).toBe(true);
    const state = (await (await fetch(`${server.baseUrl}/_mock/state`)).json()) as {
      accounts: { id: string; balance: number }[];
      products: { id: string; stock: number; sold: number }[];
      orders: { id: string; product_id: string; quantity: number; total: number; codes: string[]; idempotency_key: string | null }[];
    };
    expect(await server.stop()).toBe(0);

    const byKey = new Map<string, (typeof state.orders)[number]>();
    for (const order of state.orders) {
      expect(order.idempotency_key, `order ${order.id}`).not.toBeNull();
      expect(byKey.has(order.idempotency_key!), `two orders for ${order.idempotency_key}`).toBe(false);
      byKey.set(order.idempotency_key!, order);
    }
    let acknowledged = 0;
    for (const [key, attempt] of attempts) {
      if (attempt.acknowledged === undefined) continue;
      acknowledged++;
      const answer = JSON.parse(attempt.acknowledged) as { order_id: string; codes: string[] };
      expect(byKey.get(key), `acknowledged order ${answer.order_id} (${key})`).toMatchObject({ id: answer.order_id, codes: answer.codes });
    }
    // Money and stock add up; no code sold twice.
    const spent = state.orders.reduce((sum, o) => sum + toMicros(o.total)!, 0);
    expect(toMicros(state.accounts.find((a) => a.id === 'buyer')!.balance)).toBe(toMicros(START.balance)! - spent);
    for (const [id, product] of Object.entries(START.products)) {
      const sold = state.orders.filter((o) => o.product_id === id).reduce((n, o) => n + o.quantity, 0);
      expect(state.products.find((p) => p.id === id), id).toMatchObject({ stock: product.stock - sold, sold });
      for (const order of state.orders.filter((o) => o.product_id === id)) {
        expect(order.codes).toHaveLength(order.quantity);
        expect(toMicros(order.total)).toBe(toMicros(product.price)! * order.quantity);
      }
    }
    const codes = state.orders.flatMap((o) => o.codes);
    expect(new Set(codes).size).toBe(codes.length);
    const lost = [...attempts.values()].filter((a) => a.lost);
    console.log(
      `[crash] ${KILLS} kills, ${attempts.size} purchases, ${acknowledged} acknowledged, ${lost.length} in flight at a kill ` +
        `(${lost.filter((a) => a.committedUnseen).length} had committed: replayed on retry), ${state.orders.length} orders, ${codes.length} codes`,
    );
    expect(acknowledged).toBeGreaterThan(0);
  });
});
