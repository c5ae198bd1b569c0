/** Pacing under the documented limit, on a hand-moved clock (no real waiting). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../lib/api-client.js';
import { Pacer, PacingTimeoutError } from '../lib/pacer.js';
import { memoryLedger } from '../lib/run-ledger.js';
import { FIXTURE_KEY, fakeClock, startFixtureServer, type FixtureServer } from './broken-server.js';
import { publicSpec } from './self-test-kit.js';

describe('pacer', () => {
  it('never lets more than 18 requests into any 61 s window, and waits no longer than needed', async () => {
    const clock = fakeClock(0);
    const pacer = new Pacer(memoryLedger(null), { limit: 20, windowSeconds: 60 }, clock);
    const sent: number[] = [];
    for (let i = 0; i < 50; i++) {
      await pacer.acquire();
      sent.push(clock.now());
    }
    for (const t of sent) expect(sent.filter((s) => s > t - 61_000 && s <= t).length).toBeLessThanOrEqual(18);
    // 50 requests at 18 per window: two full waits of one window each.
    expect(clock.now()).toBe(2 * 61_000);
  });

  it('honours a retry-after block, and waits for an empty window on request', async () => {
    const clock = fakeClock(0);
    const pacer = new Pacer(memoryLedger(null), { limit: 20, windowSeconds: 60 }, clock);
    pacer.block(30);
    await pacer.acquire();
    expect(clock.now()).toBe(30_000);
    await pacer.waitUntilIdle();
    expect(clock.now()).toBe(30_000 + 61_000);
  });

  it('gives up rather than wait for ever', async () => {
    const clock = fakeClock(0);
    const pacer = new Pacer(memoryLedger(null), { limit: 20, windowSeconds: 60, maxWaitMs: 10_000 }, clock);
    pacer.block(3600);
    await expect(pacer.acquire()).rejects.toThrow(PacingTimeoutError);
  });
});

describe('client: an unasked-for 429', () => {
  const clock = fakeClock();
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureServer(clock);
    server.reset({ balance: '1', products: [] });
  });
  afterAll(() => server.close());

  it('waits retry_after_seconds, retries, and counts it', async () => {
    // Someone else used up the window (requests the pacer never saw).
    for (let i = 0; i < 20; i++) await fetch(`${server.baseUrl}/api/v1/balance`, { headers: { 'X-API-Key': FIXTURE_KEY } });
    const ledger = memoryLedger(null);
    const slept: number[] = [];
    const client = new ApiClient(
      {
        baseUrl: server.baseUrl,
        validator: publicSpec,
        ledger,
        pacer: new Pacer(ledger, { limit: 20, windowSeconds: 60 }, clock),
        waiter: async (seconds) => {
          slept.push(seconds);
          await clock.sleep(seconds * 1000);
        },
      },
      FIXTURE_KEY,
    );
    const res = await client.getBalance();
    expect(res.status).toBe(200);
    expect(slept).toEqual([60]);
    expect(ledger.read().unexpected429).toBe(1);
    expect(ledger.read().requests).toBe(2);
  });
});
