/**
 * The rate limiter's ring against the rolling log it stands for: exact
 * retry_after, refusals not counted, limit changes both ways, a random model
 * check, pruning, two connections on one file, and the upgrade from the log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.js';
import { migrate, openDatabase, type Db } from '../db/open-database.js';
import { createRateLimitStore, type RateDecision } from './rate-limit-store.js';

const WINDOW_MS = 60_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const rule = (limit: number, windowMs = WINDOW_MS) => ({ limit, windowMs });
const allowed: RateDecision = { allowed: true };
const refused = (retryAfterSeconds: number): RateDecision => ({ allowed: false, retryAfterSeconds });

const rows = (db: Db) => ({
  subjects: db.prepare('SELECT COUNT(*) FROM rate_subjects').pluck().get(),
  slots: db.prepare('SELECT COUNT(*) FROM rate_slots').pluck().get(),
});

/** The rolling log, kept in full: what the ring must decide. */
function rollingLog() {
  const accepted = new Map<string, number[]>();
  return (subject: string, limit: number, windowMs: number, now: number): RateDecision => {
    const times = accepted.get(subject) ?? [];
    const inWindow = times.filter((at) => at > now - windowMs).sort((a, b) => b - a);
    if (inWindow.length < limit) {
      accepted.set(subject, [...times, now]);
      return allowed;
    }
    return refused(Math.max(1, Math.ceil((inWindow[limit - 1]! + windowMs - now) / 1000)));
  };
}

describe('the rate limiter', () => {
  it('allows `limit` requests in the window and answers the next with the exact seconds until the oldest leaves', () => {
    const limiter = createRateLimitStore(openDatabase(':memory:'));
    const hit = (at: number, limit = 3) => limiter.hit('key:a', rule(limit), T0 + at);
    expect([hit(0), hit(10_000), hit(20_000)]).toEqual([allowed, allowed, allowed]);
    expect(hit(30_000)).toEqual(refused(30));
    expect(hit(30_001)).toEqual(refused(30)); // 29.999 s, rounded up
    expect(hit(59_000)).toEqual(refused(1));
    expect(hit(59_999)).toEqual(refused(1)); // never 0
    // At 60 s the request of 0 s is out of (now - 60 s, now]: one place frees.
    expect(hit(60_000)).toEqual(allowed);
    expect(hit(60_000)).toEqual(refused(10)); // now the request of 10 s is the oldest in the window
    expect(limiter.peek('key:a', rule(3), T0 + 70_000)).toEqual(allowed);
    expect(limiter.peek('key:b', rule(3), T0)).toEqual(allowed);
  });

  it('does not count refused requests, and keeps subjects apart', () => {
    const limiter = createRateLimitStore(openDatabase(':memory:'));
    expect(limiter.hit('key:a', rule(1), T0)).toEqual(allowed);
    for (let s = 1; s < 60; s++) expect(limiter.hit('key:a', rule(1), T0 + s * 1000)).toEqual(refused(60 - s));
    expect(limiter.hit('key:b', rule(1), T0 + 30_000)).toEqual(allowed);
    expect(limiter.hit('key:a', rule(1), T0 + 60_000)).toEqual(allowed);
  });

  it('peek decides like hit and counts nothing', () => {
    const limiter = createRateLimitStore(openDatabase(':memory:'));
    for (let i = 0; i < 2; i++) limiter.hit('addr:x', rule(2), T0 + i);
    for (let i = 0; i < 5; i++) expect(limiter.peek('addr:x', rule(2), T0 + 1000)).toEqual(refused(59));
    expect(limiter.peek('addr:x', rule(3), T0 + 1000)).toEqual(allowed);
    expect(limiter.hit('addr:x', rule(3), T0 + 1000)).toEqual(allowed);
    expect(limiter.peek('addr:x', rule(3), T0 + 1000)).toEqual(refused(59));
  });

  it('a lower limit takes effect at once, counting the requests already in the window', () => {
    const limiter = createRateLimitStore(openDatabase(':memory:'));
    for (let s = 0; s < 5; s++) expect(limiter.hit('key:a', rule(5), T0 + s * 1000)).toEqual(allowed);
    // Limit 3: the 3rd most recent (at 2 s) must leave first.
    expect(limiter.peek('key:a', rule(3), T0 + 5000)).toEqual(refused(57));
    expect(limiter.hit('key:a', rule(3), T0 + 5000)).toEqual(refused(57));
    expect(limiter.hit('key:a', rule(3), T0 + 62_000)).toEqual(allowed);
    expect(limiter.hit('key:a', rule(3), T0 + 62_000)).toEqual(refused(1)); // the 3rd most recent is now 4 s's
  });

  it('a higher limit lets more through, still counting every request in the window, also after a lower one', () => {
    const limiter = createRateLimitStore(openDatabase(':memory:'));
    for (let s = 0; s < 3; s++) limiter.hit('key:a', rule(3), T0 + s * 1000);
    expect(limiter.hit('key:a', rule(3), T0 + 3000)).toEqual(refused(57));
    // 5: two more, then the oldest of five (0 s) decides.
    expect(limiter.hit('key:a', rule(5), T0 + 3000)).toEqual(allowed);
    expect(limiter.hit('key:a', rule(5), T0 + 4000)).toEqual(allowed);
    expect(limiter.hit('key:a', rule(5), T0 + 5000)).toEqual(refused(55));
    // Down to 2 and back up to 5 within the window: the five requests still count.
    expect(limiter.hit('key:a', rule(2), T0 + 6000)).toEqual(refused(57));
    expect(limiter.hit('key:a', rule(5), T0 + 7000)).toEqual(refused(53));
    expect(limiter.hit('key:a', rule(6), T0 + 7000)).toEqual(allowed);
  });

  it('decides exactly as the rolling log over random requests, subjects and limit changes', () => {
    const step = fc.record({
      subject: fc.constantFrom('key:a', 'key:b', 'addr:c'),
      // Mostly within the window, now and then past it.
      advanceMs: fc.oneof(
        { weight: 2, arbitrary: fc.constant(0) },
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 5_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 70_000 }) },
      ),
      limit: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 8 }) }),
      peek: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), fc.integer({ min: 1, max: 8 }), (steps, firstLimit) => {
        const limiter = createRateLimitStore(openDatabase(':memory:'));
        const model = rollingLog();
        let now = T0;
        let limit = firstLimit;
        for (const s of steps) {
          now += s.advanceMs;
          limit = s.limit ?? limit;
          if (s.peek) {
            const peeked = limiter.peek(s.subject, rule(limit), now);
            expect(limiter.hit(s.subject, rule(limit), now)).toEqual(peeked);
            expect(peeked).toEqual(model(s.subject, limit, WINDOW_MS, now));
          } else {
            expect(limiter.hit(s.subject, rule(limit), now)).toEqual(model(s.subject, limit, WINDOW_MS, now));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('decides from the database, not from memory, after a savepoint around its hits was rolled back', () => {
    const db = openDatabase(':memory:');
    const limiter = createRateLimitStore(db);
    const hit = (at: number, limit: number) => limiter.hit('key:a', rule(limit), T0 + at);
    const undone = (...ats: number[]) => (limit: number) =>
      expect(db.transaction(() => {
        for (const at of ats) hit(at, limit);
        throw new Error('undone');
      })).toThrow('undone');
    // Accepted, then undone: memory says the ring moved on; the write's compare-and-set finds it did not.
    expect([hit(0, 5), hit(1, 5)]).toEqual([allowed, allowed]);
    undone(2)(5);
    expect([hit(3, 5), hit(4, 5), hit(5, 5)]).toEqual([allowed, allowed, allowed]);
    expect(hit(6, 5)).toEqual(refused(60)); // 0, 1, 3, 4 and 5 are in the window, not 2
    // Undone requests filled the window in memory: the refusal is made again from the database.
    undone(120_001, 120_002, 120_003)(3);
    expect(hit(120_004, 3)).toEqual(allowed); // nothing committed is in the window
    expect(db.prepare('SELECT at FROM rate_slots WHERE at > ?').pluck().all(T0 + 120_000)).toEqual([T0 + 120_004]);
  });

  it('prunes the rows of subjects idle for a window, a batch at a time, and keeps a busy one to its limit', () => {
    const db = openDatabase(':memory:');
    const limiter = createRateLimitStore(db);
    for (let i = 0; i < 3000; i++) limiter.hit(`addr:${i}`, rule(5), T0);
    for (let i = 0; i < 50; i++) limiter.hit('key:busy', rule(5), T0 + i);
    expect(rows(db)).toEqual({ subjects: 3001, slots: 3005 });
    // A window later: each request deletes at most 1000 stale rows until none is left.
    limiter.hit('key:busy', rule(5), T0 + WINDOW_MS);
    expect(rows(db).slots).toBe(2005);
    limiter.hit('key:busy', rule(5), T0 + WINDOW_MS + 1);
    limiter.hit('key:busy', rule(5), T0 + WINDOW_MS + 2);
    limiter.hit('key:busy', rule(5), T0 + WINDOW_MS + 3);
    expect(rows(db)).toEqual({ subjects: 1, slots: 5 });
    expect(limiter.hit('addr:7', rule(5), T0 + WINDOW_MS + 4)).toEqual(allowed);
  });
});

describe('the rate limiter on one file from two connections', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Each limiter keeps what it knows of the rings in memory; it must forget it whenever the other wrote.
  it('decides exactly as one rolling log when two connections take turns at random', () => {
    dir = mkdtempSync(join(tmpdir(), 'rate-limit-'));
    const base = dir;
    let run = 0;
    const step = fc.record({
      connection: fc.constantFrom(0, 1),
      subject: fc.constantFrom('key:a', 'key:b'),
      advanceMs: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 5_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 70_000 }) }),
      limit: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }) }),
      peek: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), fc.integer({ min: 1, max: 6 }), (steps, firstLimit) => {
        const path = join(base, `db-${run++}.sqlite`);
        const limiters = [openDatabase(path), openDatabase(path)].map((db) => createRateLimitStore(db));
        const model = rollingLog();
        let now = T0;
        let limit = firstLimit;
        for (const s of steps) {
          now += s.advanceMs;
          limit = s.limit ?? limit;
          const limiter = limiters[s.connection]!;
          const expected = model(s.subject, limit, WINDOW_MS, now);
          if (s.peek) expect(limiter.peek(s.subject, rule(limit), now)).toEqual(expected);
          // A peek counts nothing: the model counted the request, so the hit below is what it decided.
          expect(limiter.hit(s.subject, rule(limit), now)).toEqual(expected);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('shares one limit: each connection sees the other one’s requests', () => {
    dir = mkdtempSync(join(tmpdir(), 'rate-limit-'));
    const [one, two] = [openDatabase(join(dir, 'db.sqlite')), openDatabase(join(dir, 'db.sqlite'))].map((db) => createRateLimitStore(db));
    const answers = Array.from({ length: 30 }, (_, i) => (i % 2 ? one! : two!).hit('key:a', rule(10), T0 + i));
    expect(answers.filter((a) => a.allowed)).toHaveLength(10);
    expect(answers.slice(10)).toEqual(Array.from({ length: 20 }, () => refused(60)));
  });
});

describe('the upgrade from the rolling log (migration 6)', () => {
  it('moves every subject’s events into its ring: a full window stays full', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 5));
    db.prepare("INSERT INTO settings (name, value) VALUES ('rate_limit', '3')").run();
    const insert = db.prepare('INSERT INTO rate_events (subject, at) VALUES (?, ?)');
    for (const at of [T0, T0 + 1000, T0 + 2000]) insert.run('key:full', at);
    insert.run('key:one', T0);
    migrate(db);
    const limiter = createRateLimitStore(db);
    expect(limiter.hit('key:full', rule(3), T0 + 3000)).toEqual(refused(57));
    expect(limiter.hit('key:one', rule(3), T0 + 3000)).toEqual(allowed);
    expect(limiter.hit('key:one', rule(3), T0 + 3000)).toEqual(allowed);
    expect(limiter.hit('key:one', rule(3), T0 + 3000)).toEqual(refused(57));
  });

  it('moves the failed-authentication counts too: an address locked out (keys or control token) stays locked', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 5));
    db.prepare("INSERT INTO settings (name, value) VALUES ('rate_limit', '2')").run();
    const insert = db.prepare('INSERT INTO rate_events (subject, at) VALUES (?, ?)');
    for (const at of [T0, T0 + 1000]) insert.run('addr:10.0.0.1', at);
    for (const at of [T0, T0 + 2000, T0 + 4000]) insert.run('ctl:10.0.0.1', at); // more than the limit: a limit lowered since
    insert.run('ctl:10.0.0.2', T0);
    migrate(db);
    const limiter = createRateLimitStore(db);
    expect(limiter.peek('addr:10.0.0.1', rule(2), T0 + 3000)).toEqual(refused(57));
    expect(limiter.peek('ctl:10.0.0.1', rule(2), T0 + 5000)).toEqual(refused(57)); // the 2nd most recent, at T0 + 2000
    expect(limiter.peek('ctl:10.0.0.2', rule(2), T0 + 5000)).toEqual(allowed);
    expect(limiter.hit('ctl:10.0.0.2', rule(2), T0 + 5000)).toEqual(allowed);
    expect(limiter.hit('ctl:10.0.0.2', rule(2), T0 + 5000)).toEqual(refused(55));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'rate_events'").get()).toBeUndefined();
  });
});
