/**
 * The fixture that resets return to lives in the database file, so every
 * server process on the file resets to the same state: a fixture loaded through
 * one process is what a reset through another returns to, and what a server
 * started later on the file keeps (its banner names a key of it, with the
 * balance the database holds now). A fixture's fault rules travel with it: a
 * reset through any process brings them back, with fresh counters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';
import { readAnswer } from '../server/test-support/test-app.js';

let dir: string;
let db: string;
const started: SpawnedSandbox[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fixture-shared-'));
  db = join(dir, 'shared.sqlite');
});
afterAll(() => {
  for (const server of started) server.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const start = async (args: string[] = []) => {
  const server = await spawnSandbox({ db, args });
  started.push(server);
  return server;
};

async function call(server: SpawnedSandbox, method: string, path: string, init: { key?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (init.key) headers['X-API-Key'] = init.key;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  return readAnswer(await fetch(`${server.baseUrl}${path}`, { method, headers, body }));
}

const solo = {
  accounts: [{ id: 'solo', balance: 7, keys: [{ key: 'mk_test_solo' }] }],
  products: [{ id: 'p', name: 'Shared fixture product', price: 1, codes: ['SHARED-1', 'SHARED-2', 'SHARED-3'] }],
};

describe('the current fixture, shared by the processes on one database file', () => {
  it('a fixture loaded through process A is what a reset through process B returns to', async () => {
    const [a, b] = [await start(), await start()];
    expect((await call(a, 'POST', '/_mock/fixtures', { body: solo })).status).toBe(200);
    const bought = await call(b, 'POST', '/api/v1/purchase', { key: 'mk_test_solo', body: { product_id: 'p', quantity: 1 } });
    expect(bought.json).toMatchObject({ codes: ['SHARED-1'], balance_remaining: 6 });

    expect((await call(b, 'POST', '/_mock/reset')).status).toBe(200);

    expect((await call(b, 'GET', '/api/v1/balance', { key: 'mk_test_solo' })).json).toEqual({ balance: 7, currency: 'USDT' });
    expect((await call(b, 'GET', '/api/v1/balance', { key: 'mk_test_alice' })).json.code).toBe('INVALID_KEY');
    const state = (await call(b, 'GET', '/_mock/state')).json;
    expect(state.accounts.map((account: { id: string }) => account.id)).toEqual(['solo']);
    expect(state.products).toEqual([expect.objectContaining({ id: 'p', stock: 3, sold: 0 })]);
    expect(state.orders).toEqual([]);
    // What A sees is the same file.
    expect((await call(a, 'GET', '/api/v1/products', { key: 'mk_test_solo' })).json.products.map((p: { id: string }) => p.id)).toEqual(['p']);

    // Spent after the reset: a server started later keeps both the state and the fixture.
    await call(a, 'POST', '/api/v1/purchase', { key: 'mk_test_solo', body: { product_id: 'p', quantity: 2 } });
    // Exit codes are the restart test's business (tsx may SIGKILL a server that is slow to answer a signal).
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a server started later on the file keeps its fixture over --fixtures, and its banner tells the real balance', async () => {
    const c = await start(['--fixtures', 'fixtures/default.json']);
    expect(c.output()).toContain('(existing state kept)');
    expect(c.output()).toContain("Fixture:       the database's own");
    expect(c.output()).toContain('Sandbox key:   mk_test_solo (balance 5 USDT)');
    expect((await call(c, 'POST', '/_mock/reset')).status).toBe(200);
    expect((await call(c, 'GET', '/api/v1/balance', { key: 'mk_test_solo' })).json.balance).toBe(7);
  });

  it("a fixture's fault rules come back on a reset through another process, with fresh counters", async () => {
    const [a, b] = [await start(), await start()];
    const withFaults = { ...solo, faults: [{ kind: 'error_response', status: 503, operation: 'getBalance', times: 1 }] };
    expect((await call(a, 'POST', '/_mock/fixtures', { body: withFaults })).status).toBe(200);
    const balance = async (server: SpawnedSandbox) => (await call(server, 'GET', '/api/v1/balance', { key: 'mk_test_solo' })).status;
    expect([await balance(b), await balance(a)]).toEqual([503, 200]);
    expect((await call(a, 'DELETE', '/_mock/faults')).status).toBe(200);

    expect((await call(b, 'POST', '/_mock/reset')).status).toBe(200);

    expect((await call(a, 'GET', '/_mock/faults')).json.faults).toEqual([
      expect.objectContaining({ source: 'fixture', kind: 'error_response', status: 503, seen: 0, fired: 0, remaining: 1 }),
    ]);
    expect([await balance(a), await balance(b)]).toEqual([503, 200]);
    await Promise.all([a.stop(), b.stop()]);
  });
});
