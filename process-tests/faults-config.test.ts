/**
 * Fault rules from where a sandbox starts: repeated --fault flags, AI_MARKET_MOCK_FAULTS, and a
 * fixture file's `faults`. Configured rules replace those of the previous start; a reset brings
 * the fixture's and the configuration's rules back; a bad rule stops startup with exit code 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'ai-market-fault-config-'));
const started: SpawnedSandbox[] = [];
afterAll(() => {
  for (const server of started) server.kill();
  rmSync(dir, { recursive: true, force: true });
});
const start = async (options: Parameters<typeof spawnSandbox>[0]) => {
  const server = await spawnSandbox(options);
  started.push(server);
  return server;
};
const status = async (server: SpawnedSandbox, path: string, key = 'mk_test_alice') => {
  const res = await fetch(`${server.baseUrl}/api/v1${path}`, { headers: { 'X-API-Key': key } });
  await res.arrayBuffer();
  return res.status;
};
const rules = async (server: SpawnedSandbox) => (await (await fetch(`${server.baseUrl}/_mock/faults`)).json()).faults as Record<string, unknown>[];
const post = (server: SpawnedSandbox, path: string) => fetch(`${server.baseUrl}/_mock${path}`, { method: 'POST' }).then((r) => r.json());

describe('fault rules at startup', () => {
  it('from repeated --fault flags; a restart without them drops them, a reset re-arms them', async () => {
    const db = join(dir, 'flags.sqlite');
    const server = await start({
      db,
      args: ['--fault', '{"kind":"error_response","status":503,"operation":"getBalance","times":1}', '--fault={"kind":"error_response","status":500,"operation":"listProducts","every":2}'],
    });
    expect(server.output()).toContain('Fault rules:   2 in force');
    expect(await rules(server)).toMatchObject([
      { source: 'config', status: 503, times: 1 },
      { source: 'config', status: 500, every: 2 },
    ]);
    expect([await status(server, '/balance'), await status(server, '/balance')]).toEqual([503, 200]);
    expect([await status(server, '/products'), await status(server, '/products')]).toEqual([200, 500]);
    await post(server, '/reset');
    expect(await status(server, '/balance')).toBe(503);
    expect(await server.stop()).toBe(0);

    const again = await start({ db });
    expect(await rules(again)).toEqual([]);
    expect(await again.stop()).toBe(0);
  });

  it('from AI_MARKET_MOCK_FAULTS, a JSON array', async () => {
    const server = await start({
      db: ':memory:',
      env: { AI_MARKET_MOCK_FAULTS: '[{"kind":"error_response","status":502,"key":"mk_test_bob"}]' },
    });
    expect(await rules(server)).toMatchObject([{ source: 'config', key: 'mk_test_bo…', status: 502 }]);
    expect(await status(server, '/balance', 'mk_test_bob')).toBe(502);
    expect(await status(server, '/balance', 'mk_test_alice')).toBe(200);
    expect(await server.stop()).toBe(0);
  });

  it("from the fixture file; a reset brings them back after they were cleared", async () => {
    const fixture = join(dir, 'with-faults.json');
    writeFileSync(
      fixture,
      JSON.stringify({
        accounts: [{ id: 'dana', balance: 10, keys: [{ key: 'mk_test_dana' }] }],
        products: [{ id: 'p1', name: 'Product', price: 1, stock: 5 }],
        faults: [{ kind: 'error_response', status: 504, operation: 'getBalance', times: 1 }],
      }),
    );
    const server = await start({ db: ':memory:', args: ['--fixtures', fixture] });
    expect(await rules(server)).toMatchObject([{ source: 'fixture', status: 504 }]);
    expect([await status(server, '/balance', 'mk_test_dana'), await status(server, '/balance', 'mk_test_dana')]).toEqual([504, 200]);
    await fetch(`${server.baseUrl}/_mock/faults`, { method: 'DELETE' });
    expect(await rules(server)).toEqual([]);
    await post(server, '/reset');
    expect(await status(server, '/balance', 'mk_test_dana')).toBe(504);
    expect(await server.stop()).toBe(0);
  });

  it.each([
    [['--fault', '{"kind":"after_commit_hang","operation":"getBalance"}'], {}, /--fault=.*operation: after_commit_hang applies to purchases only/],
    [[], { AI_MARKET_MOCK_FAULTS: '{"kind":"hang","max_ms":600000}' }, /AI_MARKET_MOCK_FAULTS=.*max_ms/],
    [['--fault', '{"kind":"reset_before","key_prefix":"mk_test_alice"}'], {}, /--fault .*key_prefix: is a whole key/],
  ])('refuses a bad rule at startup with exit code 2: %j %j', async (args, env, message) => {
    const failed = start({ db: ':memory:', args, env, readyTimeoutMs: 30_000 });
    await expect(failed).rejects.toThrow(/exited with code 2/);
    await expect(failed).rejects.toThrow(message);
  });
});
