/**
 * The rate limiter alone, in this process, on a database file: the cost of one
 * accepted request of one subject whose window is full, at a small and a large
 * limit. Every request of a subject past its limit is refused over HTTP, so a full
 * window at limit 20 cannot be driven through one key at speed; here the clock is
 * given: each request comes `window / limit` after the last, so it is accepted and
 * the ring (and the window) always holds exactly `limit` requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../server/db/open-database.js';
import { createRateLimitStore } from '../server/store/rate-limit-store.js';

const STEP_MS = 1;
const BATCH = 100;

/** CPU microseconds per accepted request at this limit, once the window is full. */
export function limiterMicros(limit: number, requests: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'ai-market-limiter-'));
  const db = openDatabase(join(dir, 'limiter.sqlite'));
  try {
    const limiter = createRateLimitStore(db);
    const rule = { limit, windowMs: limit * STEP_MS };
    const begin = db.prepare('BEGIN IMMEDIATE');
    const commit = db.prepare('COMMIT');
    let now = Date.parse('2026-01-01T00:00:00Z');
    // The decisions and writes inside transactions of BATCH requests (as a turn's): the commit is
    // the same work at any limit, and would only dilute the difference being looked for.
    const run = (count: number) => {
      for (let i = 0; i < count; i += BATCH) {
        begin.run();
        for (let j = 0; j < BATCH; j++) {
          now += STEP_MS;
          if (!limiter.hit('key:one', rule, now).allowed) throw new Error('a request the limit should allow was refused');
        }
        commit.run();
      }
    };
    run(Math.max(limit, 2_000)); // the window full, and warm
    // CPU time, not wall time: waiting for a core another process holds is not the limiter's cost.
    const started = process.cpuUsage();
    run(requests);
    const used = process.cpuUsage(started);
    return (used.user + used.system) / requests;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
