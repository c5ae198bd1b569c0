/**
 * The documentation's own examples (JavaScript fetch, Python requests, curl),
 * run unchanged against the mock over real HTTP: balance, products, a purchase of
 * 002 with Idempotency-Key order-001; run twice, the same order, charged once.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../server/test-support/test-app.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let t: TestApp;
let server: ReturnType<typeof serve>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  t = createTestApp();
  server = await new Promise((resolve) => {
    const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  env = { ...process.env, BASE: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, KEY: 'mk_test_alice' };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// Asynchronous: the server answers from this same process, so the test must not block it.
const run = async (command: string, args: string[]) =>
  (await promisify(execFile)(command, args, { cwd: root, env, encoding: 'utf8', timeout: 15_000 })).stdout;

/** Runs an example twice and checks both runs printed the same order, charged once. */
async function twiceChargedOnce(command: string, args: string[]) {
  const first = await run(command, args);
  const second = await run(command, args);
  expect(first).toMatch(/^balance \d+(\.\d+)? USDT$/m);
  expect(first).toMatch(/^products 001,002,003,004,005$/m);
  const order = /^order (ord_\w+) codes (SBX-002-[\w-]+)$/m.exec(first);
  expect(order, first).not.toBeNull();
  expect(second).toContain(order![0]);
}

describe('the documentation examples', () => {
  it('JavaScript fetch', async () => {
    await t.control('POST', '/reset');
    await twiceChargedOnce(process.execPath, ['examples/docs-fetch.mjs']);
    expect(await t.balance()).toBe(95);
  });

  const hasRequests = spawnSync('python3', ['-c', 'import requests'], { timeout: 10_000 }).status === 0;
  if (!hasRequests) console.warn('skipping the Python example: python3 with the requests package is not installed here');
  it.skipIf(!hasRequests)('Python requests', async () => {
    await t.control('POST', '/reset');
    await twiceChargedOnce('python3', ['examples/docs-requests.py']);
    expect(await t.balance()).toBe(95);
  });

  it('curl', async () => {
    await t.control('POST', '/reset');
    const curl = (...args: string[]) => run('curl', ['-s', ...args]);
    expect(JSON.parse(await curl(`${env.BASE}/balance`, '-H', 'X-API-Key: mk_test_alice'))).toEqual({ balance: 100, currency: 'USDT' });
    expect(JSON.parse(await curl(`${env.BASE}/products`, '-H', 'X-API-Key: mk_test_alice')).products).toHaveLength(5);
    const buy = () =>
      curl('-X', 'POST', `${env.BASE}/purchase`, '-H', 'X-API-Key: mk_test_alice', '-H', 'Content-Type: application/json',
        '-H', 'Idempotency-Key: order-001', '-d', '{"product_id":"002","quantity":1}');
    const first = await buy();
    expect(JSON.parse(first)).toMatchObject({ success: true, balance_remaining: 95 });
    expect(await buy()).toBe(first);
    expect(await t.balance()).toBe(95);
  });
});
