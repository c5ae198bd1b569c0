/**
 * Two server processes on one file under sustained purchase traffic, sent
 * alternately to both with many in flight, and keyed reads beside them. Each
 * process commits its requests' checks once per event-loop turn while holding the
 * write lock, so the other's purchases keep running into a held lock: only a
 * purchase that takes the lock before its first read (BEGIN IMMEDIATE) never fails
 * there. One that read first (a deferred transaction) finds its snapshot stale when
 * it comes to write and fails with SQLITE_BUSY, answered 500. Every purchase must
 * succeed and count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';
import { readAnswer, statusCounts } from '../server/test-support/test-app.js';

const PURCHASES = 600;
const IN_FLIGHT = 60;

let dir: string;
let servers: SpawnedSandbox[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'purchase-contention-'));
  const args = ['--rate-limit', '100000', '--rate-window', '3600'];
  const started = await Promise.allSettled([0, 1].map(() => spawnSandbox({ db: join(dir, 'shared.sqlite'), args })));
  servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  for (const s of started) if (s.status === 'rejected') throw s.reason;
});

afterAll(() => {
  for (const server of servers) server.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const send = async (server: SpawnedSandbox, method: string, path: string, body: unknown, key?: string) =>
  readAnswer(
    await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(key && { 'X-API-Key': key }) },
      body: JSON.stringify(body),
    }),
  );

it(`${PURCHASES} purchases, ${IN_FLIGHT} at a time across two processes, all succeed and are charged once each`, async () => {
  expect((await send(servers[0]!, 'PUT', '/_mock/products/busy', { name: 'Busy', price: '0.01', stock: PURCHASES + 100 })).status).toBe(200);
  const key = (await send(servers[0]!, 'POST', '/_mock/accounts', { id: 'busy', balance: 100 })).json.key as string;

  const answers = new Array<Awaited<ReturnType<typeof send>>>(PURCHASES);
  let next = 0;
  let done = false;
  const balances: number[] = [];
  await Promise.all([
    ...Array.from({ length: IN_FLIGHT }, async () => {
      while (next < PURCHASES) {
        const i = next++;
        answers[i] = await send(servers[i % 2]!, 'POST', '/api/v1/purchase', { product_id: 'busy', quantity: 1 }, key);
      }
      done = true;
    }),
    // Keyed reads on both meanwhile: each process's turn transactions hold the write lock often.
    ...Array.from({ length: IN_FLIGHT / 2 }, async (_, j) => {
      while (!done) {
        const res = await fetch(`${servers[j % 2]!.baseUrl}/api/v1/balance`, { headers: { 'X-API-Key': key } });
        balances.push(res.status);
        await res.arrayBuffer();
      }
    }),
  ]);
  expect(balances.every((status) => status === 200)).toBe(true);

  expect(statusCounts(answers)).toEqual({ 200: PURCHASES });
  expect(new Set(answers.flatMap((a) => a.json.codes as string[])).size).toBe(PURCHASES);
  const state = (await readAnswer(await fetch(`${servers[1]!.baseUrl}/_mock/state`))).json;
  expect(state.products.find((p: { id: string }) => p.id === 'busy')).toMatchObject({ stock: 100, sold: PURCHASES });
  expect(state.accounts.find((a: { id: string }) => a.id === 'busy').balance).toBe(100 - PURCHASES * 0.01);
});
