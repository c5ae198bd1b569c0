/**
 * Two real server processes on one SQLite file share one journal and one set of fault rules:
 * ids are unique across both, each process reads (and streams) what the other wrote, the bound
 * holds under parallel load, and "the next N" of a rule is taken N times in all, never more.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readEvents } from '../server/dashboard/client/control-wire.js';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';

let dir: string;
let servers: SpawnedSandbox[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ai-market-journal-'));
  const args = ['--rate-limit', '100000', '--rate-window', '3600'];
  const started = await Promise.allSettled([0, 1].map(() => spawnSandbox({ db: join(dir, 'shared.sqlite'), args })));
  servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  for (const s of started) if (s.status === 'rejected') throw s.reason;
}, 60_000);
afterAll(() => {
  for (const server of servers) server.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await control(0, 'POST', '/reset');
  await control(0, 'PATCH', '/settings', { journal_limit: 10_000 });
});

async function control(server: number, method: string, path: string, body?: unknown) {
  const res = await fetch(`${servers[server]!.baseUrl}/_mock${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBeLessThan(300);
  return json;
}
/** Request i goes to server i % 2, alice's key to server 0 and bob's to server 1, 16 in flight at most. */
async function spread(n: number, path = '/balance') {
  const statuses: number[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await fetch(`${servers[i % 2]!.baseUrl}/api/v1${path}`, {
        headers: { 'X-API-Key': i % 2 ? 'mk_test_bob' : 'mk_test_alice', 'Idempotency-Key': `req-${i}` },
      });
      await res.arrayBuffer();
      statuses[i] = res.status;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return statuses;
}
const journalOf = async (server: number, query = '?limit=1000') => (await control(server, 'GET', `/journal${query}`)).entries as Record<string, any>[];

describe('one journal for two processes', () => {
  it('both processes write it with unique ids, and each reads what the other wrote', async () => {
    await spread(40);
    const [a, b] = [await journalOf(0), await journalOf(1)];
    expect(a).toHaveLength(40);
    expect(b).toEqual(a);
    expect(new Set(a.map((e) => e.id)).size).toBe(40);
    expect(a.filter((e) => e.account_id === 'alice')).toHaveLength(20);
    expect(a.filter((e) => e.account_id === 'bob')).toHaveLength(20);
    // Newest first: ids strictly decrease.
    expect(a.map((e) => e.id)).toEqual([...a.map((e) => e.id)].sort((x, y) => y - x));
  });

  it('the stream of one process delivers what the other wrote', async () => {
    const controller = new AbortController();
    const res = await fetch(`${servers[0]!.baseUrl}/_mock/journal/stream?account=bob`, { signal: controller.signal });
    const events = readEvents(res.body!);
    try {
      expect((await events.next()).value?.event).toBe('ready');
      await fetch(`${servers[1]!.baseUrl}/api/v1/products`, { headers: { 'X-API-Key': 'mk_test_bob' } }).then((r) => r.arrayBuffer());
      const { value } = await events.next();
      expect(value?.event).toBe('entry');
      expect(JSON.parse(value!.data)).toMatchObject({ account_id: 'bob', path: '/api/v1/products', status: 200 });
    } finally {
      controller.abort();
    }
  });

  it('stays bounded under parallel load from both: exactly the newest 50 are kept', async () => {
    await control(1, 'PATCH', '/settings', { journal_limit: 50 });
    await spread(300);
    let lastKept: Record<string, any> = {};
    for (const server of [0, 1]) {
      const kept = await journalOf(server);
      lastKept = kept.at(-1)!;
      expect(kept).toHaveLength(50);
      const ids = kept.map((e) => e.id);
      expect(Math.max(...ids) - Math.min(...ids)).toBe(49);
    }
    // The newest are the ones kept: one more request is at the top, the oldest of the 50 went.
    await fetch(`${servers[1]!.baseUrl}/api/v1/balance`, { headers: { 'X-API-Key': 'mk_test_bob', 'Idempotency-Key': 'last' } }).then((r) => r.arrayBuffer());
    const before = lastKept;
    const after = await journalOf(0);
    expect(after).toHaveLength(50);
    expect(after[0]).toMatchObject({ idempotency_key: 'last' });
    expect(after.at(-1)!.id).toBe(before.id + 1);
  });
});

describe('fault rules shared by two processes', () => {
  it('"the next 5" fires exactly 5 times across both, however the requests interleave', async () => {
    await control(0, 'POST', '/faults', { kind: 'error_response', status: 503, times: 5 });
    const statuses = await spread(40);
    expect(statuses.filter((s) => s === 503)).toHaveLength(5);
    expect(statuses.filter((s) => s === 200)).toHaveLength(35);
    expect((await control(1, 'GET', '/faults')).faults[0]).toMatchObject({ seen: 5, fired: 5, remaining: 0 });
    expect(await journalOf(1, '?status=503&limit=1000')).toHaveLength(5);
  });
});
