/**
 * `serve` on a database file keeps the sandbox's state across a restart (the
 * default for `npm start` and the Docker volume), and a SIGTERM that arrives with
 * a request in flight lets that request finish before the process exits 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'serve-restart-'));
const db = join(dir, 'state', 'sandbox.sqlite');
const started: SpawnedSandbox[] = [];
afterAll(() => {
  for (const server of started) server.kill();
  rmSync(dir, { recursive: true, force: true });
});

const start = async () => {
  const server = await spawnSandbox({ db });
  started.push(server);
  return server;
};
const alice = { 'X-API-Key': 'mk_test_alice' };

describe('serve on a database file', () => {
  it('keeps balances and orders across a restart, and seeds only an empty database', async () => {
    const first = await start();
    expect(first.output()).toContain('(seeded from the fixture)');
    // The banner points people at the pages.
    expect(first.output()).toContain(`Dashboard:     ${first.baseUrl}/_mock/ui`);
    expect(first.output()).toContain(`API docs:      ${first.baseUrl}/docs`);
    const bought = await fetch(`${first.baseUrl}/api/v1/purchase`, {
      method: 'POST',
      headers: { ...alice, 'Content-Type': 'application/json', 'Idempotency-Key': 'keep-me' },
      body: JSON.stringify({ product_id: '002', quantity: 1 }),
    });
    const order = await bought.text();
    expect(bought.status).toBe(200);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('Stopped cleanly.');

    const second = await start();
    expect(second.output()).toContain('(existing state kept)');
    expect(await (await fetch(`${second.baseUrl}/api/v1/balance`, { headers: alice })).json()).toEqual({ balance: 95, currency: 'USDT' });
    const replay = await fetch(`${second.baseUrl}/api/v1/purchase`, {
      method: 'POST',
      headers: { ...alice, 'Content-Type': 'application/json', 'Idempotency-Key': 'keep-me' },
      body: JSON.stringify({ product_id: '002', quantity: 1 }),
    });
    expect(await replay.text()).toBe(order);
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('finishes a request in flight when SIGTERM arrives, then exits 0', async () => {
    const server = await start();
    // Half a request: headers sent, body not yet. The server is now waiting on it.
    const { request } = await import('node:http');
    const [head, tail] = ['{"product_id":"002",', '"quantity":1}'];
    let stopped: Promise<number | null> | undefined;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.baseUrl}/api/v1/purchase`, {
        method: 'POST',
        headers: {
          ...alice,
          'Content-Type': 'application/json',
          'Content-Length': String(head.length + tail.length),
          // The server answers 100 Continue once it has read the headers: from then on the request
          // is in flight, however slowly a loaded machine schedules either process.
          Expect: '100-continue',
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.once('continue', () => {
        req.write(head);
        // The signal goes out while the body is incomplete; the rest follows after it.
        stopped = server.stop('SIGTERM');
        stopped.catch(reject);
        setTimeout(() => req.end(tail), 200);
      });
      req.flushHeaders();
    });
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ success: true, balance_remaining: 90 });
    expect(await stopped).toBe(0);
    expect(server.output()).toContain('Stopped cleanly.');
  });
});
