/**
 * Rolling-window request counting, kept in SQLite so that several server
 * processes on one database file share one limit per key.
 * Written by hand rather than with a rate-limit package: the window must follow
 * the injected (virtual) clock, live in the shared database, and not count the
 * requests it turns away.
 *
 * The rule is the rolling log's: a request is allowed iff fewer than `limit`
 * accepted requests of the subject fall in (now - window, now]. Only the limit-th
 * most recent accepted request decides that: the request is allowed iff there is
 * none or it has left the window. So each subject keeps the times of its most
 * recent accepted requests in a ring of slots (rate_slots) with the slot to write
 * next (rate_subjects.next_slot): the limit-th most recent is `limit` slots back.
 * A request reads that one slot and, when allowed, writes one: the cost does not
 * grow with the limit or with the subject's traffic.
 *
 * A changed limit (PATCH /_mock/settings) needs nothing when it falls: the ring
 * is larger than needed. When it rises above the ring's size the ring grows, at the
 * subject's next request, keeping every time it holds. Since no limit in force was
 * ever above the ring's size, the window never held more accepted requests than the
 * ring does: the decision stays exactly the rolling log's across limit changes.
 * Times in a ring never go backwards: an accepted request is stored at the later
 * of its time and the subject's newest, which differ only when two processes'
 * requests cross within a few milliseconds.
 */
import type { Db } from '../db/open-database.js';
import type { TurnTransaction } from './turn-transaction.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateRule {
  limit: number;
  windowMs: number;
}

/** A subject's ring as one read sees it, with the time of the limit-th most recent accepted request, if any. */
interface Ring {
  ring_size: number;
  next_slot: number;
  newest: number;
  limit_th: number | null;
}

/** How many stale slots one request deletes at most, so pruning never stalls a request for long. */
const PRUNE_BATCH = 1000;

/**
 * @example const limiter = createRateLimitStore(db, turn); limiter.hit('key:...', { limit: 20, windowMs: 60_000 }, clock.now());
 * Without a turn transaction (turn-transaction.ts), each hit is an IMMEDIATE transaction of its own.
 */
export function createRateLimitStore(db: Db, turn?: TurnTransaction) {
  // Parameters: the subject, the limit, the subject. The limit-th most recent accepted request is `limit`
  // slots behind the next one (meaningless when the limit exceeds the ring: the callers check that first).
  // A scalar subquery: measured 4x faster than the same lookup as a LEFT JOIN.
  const readRing = db.prepare<[string, number, string], Ring>(
    `SELECT s.ring_size, s.next_slot, s.newest,
       (SELECT r.at FROM rate_slots r WHERE r.subject = ? AND r.slot = (s.next_slot - ? + s.ring_size) % s.ring_size) AS limit_th
     FROM rate_subjects s WHERE s.subject = ?`,
  );
  const writeSlot = db.prepare(
    'INSERT INTO rate_slots (subject, slot, at) VALUES (?, ?, ?) ON CONFLICT (subject, slot) DO UPDATE SET at = excluded.at',
  );
  const writeSubject = db.prepare(
    `INSERT INTO rate_subjects (subject, ring_size, next_slot, newest) VALUES (?, ?, ?, ?)
     ON CONFLICT (subject) DO UPDATE SET ring_size = excluded.ring_size, next_slot = excluded.next_slot, newest = excluded.newest`,
  );
  // Only when the ring grows: its times, oldest first (the oldest is at next_slot once the ring is full).
  const timesOldestFirst = db.prepare<[{ subject: string; next: number; size: number }], number>(
    'SELECT at FROM rate_slots WHERE subject = @subject ORDER BY (slot - @next + @size) % @size',
  ).pluck();
  const dropSlots = db.prepare('DELETE FROM rate_slots WHERE subject = ?');
  // A subject whose newest accepted request has left the window has nothing in it: its rows can go.
  const pruneSlots = db.prepare(
    `DELETE FROM rate_slots WHERE (subject, slot) IN (
       SELECT r.subject, r.slot FROM rate_subjects s JOIN rate_slots r ON r.subject = s.subject WHERE s.newest <= ? LIMIT ?)`,
  );
  const pruneSubjects = db.prepare('DELETE FROM rate_subjects WHERE newest <= ?');

  /** Allowed iff the limit-th most recent accepted request (if any) has left the window. */
  const decide = (limitTh: number | null, rule: RateRule, now: number): RateDecision => {
    if (limitTh === null || limitTh <= now - rule.windowMs) return { allowed: true };
    // The next request is accepted once that request leaves the window.
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((limitTh + rule.windowMs - now) / 1000)) };
  };

  /** Renumbers the ring's times from slot 0 in a ring of `size` slots; returns the next free slot. */
  const grow = (subject: string, ring: Ring, size: number): number => {
    const times = timesOldestFirst.all({ subject, next: ring.next_slot, size: ring.ring_size });
    dropSlots.run(subject);
    times.forEach((at, slot) => writeSlot.run(subject, slot, at));
    return times.length;
  };

  // Pruning is amortised: at most once a window per process, a batch per request until done.
  let prunedAt: number | undefined;
  const pruneIfDue = (rule: RateRule, now: number) => {
    // Also when the clock went back (a reset), or pruning would wait for real time to catch up.
    if (prunedAt !== undefined && now >= prunedAt && now - prunedAt < rule.windowMs) return;
    const stale = now - rule.windowMs;
    if (pruneSlots.run(stale, PRUNE_BATCH).changes < PRUNE_BATCH) {
      pruneSubjects.run(stale);
      prunedAt = now;
    }
  };

  const hit = db.transaction((subject: string, rule: RateRule, now: number): RateDecision => {
    pruneIfDue(rule, now);
    const ring = readRing.get(subject, rule.limit, subject);
    if (!ring) {
      writeSlot.run(subject, 0, now);
      writeSubject.run(subject, rule.limit, 1 % rule.limit, now);
      return { allowed: true };
    }
    let size = ring.ring_size;
    let slot = ring.next_slot;
    if (rule.limit > size) {
      // The window holds at most `size` accepted requests, fewer than the limit: allowed.
      size = rule.limit;
      slot = grow(subject, ring, size);
    } else {
      const decision = decide(ring.limit_th, rule, now);
      if (!decision.allowed) return decision;
    }
    const at = Math.max(now, ring.newest);
    writeSlot.run(subject, slot, at);
    writeSubject.run(subject, size, (slot + 1) % size, at);
    return { allowed: true };
  });

  return {
    /** Counts one request for the subject unless it is over the limit; a refused request is not counted. */
    hit: (subject: string, rule: RateRule, now: number): RateDecision => {
      if (!turn) return hit.immediate(subject, rule, now);
      turn.enter();
      return hit(subject, rule, now); // a savepoint inside the turn's transaction
    },
    /** Would a request be refused? Counts nothing. */
    peek: (subject: string, rule: RateRule, now: number): RateDecision => {
      turn?.enter();
      const ring = readRing.get(subject, rule.limit, subject);
      return !ring || rule.limit > ring.ring_size ? { allowed: true } : decide(ring.limit_th, rule, now);
    },
  };
}

export type RateLimitStore = ReturnType<typeof createRateLimitStore>;
