/**
 * The one spawner (contract-tests/lib/spawn-sandbox.ts) that the contract suite, these tests and
 * the benchmark start servers with: the environment it passes, stop by signal, kill.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';

const started: SpawnedSandbox[] = [];
const start = async (options: Parameters<typeof spawnSandbox>[0] = {}) => {
  const server = await spawnSandbox(options);
  started.push(server);
  return server;
};
afterAll(() => {
  for (const server of started) server.kill();
});

describe('spawnSandbox', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.AI_MARKET_MOCK_CONTROL_TOKEN;
    // A developer's shell that locks the control API must not lock the servers tests start.
    process.env.AI_MARKET_MOCK_CONTROL_TOKEN = 'a-token-from-the-shell';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.AI_MARKET_MOCK_CONTROL_TOKEN;
    else process.env.AI_MARKET_MOCK_CONTROL_TOKEN = saved;
  });

  it('drops inherited AI_MARKET_MOCK_* variables, passes the ones given, and stops on SIGINT with exit code 0', async () => {
    const server = await start({ env: { AI_MARKET_MOCK_RATE_LIMIT: '7' } });
    expect(server.baseUrl).toBe(`http://127.0.0.1:${server.port}`);
    const settings = await fetch(`${server.baseUrl}/_mock/settings`);
    expect(settings.status).toBe(200);
    expect(await settings.json()).toMatchObject({ rate_limit: 7 });
    expect(await server.stop('SIGINT')).toBe(0);
    expect(server.output()).toContain('SIGINT: finishing requests in flight');
    expect(await server.stop()).toBe(0);
  });

  it('kill() ends the server without a shutdown', async () => {
    const server = await start();
    server.kill();
    // Once it has exited (killed by a signal: no exit code), nothing listens on its port.
    expect(await server.stop()).toBeNull();
    await expect(fetch(`${server.baseUrl}/health`)).rejects.toThrow();
    expect(server.output()).not.toContain('Stopped cleanly.');
  });

  it('reports a server that exits before it is ready, with its output', async () => {
    await expect(start({ args: ['--rate-limit', 'lots'] })).rejects.toThrow(/exited with code 2 before it was ready[\s\S]*rate/);
  });
});
