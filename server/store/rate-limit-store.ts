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
 *
 * What this process last read or wrote of a ring stays in memory (`known`), so a
 * request usually reads nothing and writes one statement (the view rate_accepts,
 * migration 8). It is forgotten whenever the change watch (change-watch.ts) moves:
 * another connection committed (another process on the file), this process wrote
 * around the limiter (a reset), or a turn's commit failed. The watch is looked at
 * inside the write lock (the turn's BEGIN IMMEDIATE, or this store's own
 * transaction), so nothing can change between that look and the decision. Memory
 * never decides alone where it could be wrong (a caller's savepoint rolled back
 * around a hit): counting a request is a compare-and-set that fails unless the ring
 * is where memory says, and then the ring is read again; a refusal, which writes
 * nothing, and a ring begun or grown are decided on the database's rows.
 */
import type { Db } from '../db/open-database.js';
import { createChangeWatch, type ChangeWatch } from './change-watch.js';
import type { TurnTransaction } from './turn-transaction.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateRule {
  limit: number;
  windowMs: number;
}

/** A subject's ring as this process knows it: exactly the database's, for the slots it holds. */
interface KnownRing {
  size: number;
  next: number;
  newest: number;
  /** Slot -> the time in it, or null when it is empty: only the slots read or written since. */
  slots: Map<number, number | null>;
  /** `slots` holds every slot with a time (a ring this process began): a slot not in it is empty. */
  whole: boolean;
}

/** How many stale slots one request deletes at most, so pruning never stalls a request for long. */
const PRUNE_BATCH = 1000;
/** Past this many known subjects or slots, everything known is forgotten: memory stays bounded. */
const MAX_KNOWN_SUBJECTS = 10_000;
const MAX_KNOWN_SLOTS = 250_000;

const ALLOWED: RateDecision = { allowed: true };
/** The error rate_accepts raises when the ring is not where the caller says (migration 8). */
const NOT_WHERE_SAID = 'rate_accepts: the ring is not where the caller says';

/**
 * @example const limiter = createRateLimitStore(db, turn, changes); limiter.hit('key:...', { limit: 20, windowMs: 60_000 }, clock.now());
 * Without a turn transaction (turn-transaction.ts), each hit is an IMMEDIATE transaction of its own.
 * `changes` is the store's change watch; alone, the limiter watches the file itself.
 */
export function createRateLimitStore(db: Db, turn?: TurnTransaction, changes: ChangeWatch = createChangeWatch(db)) {
  const readSubject = db.prepare<[string], { ring_size: number; next_slot: number; newest: number }>(
    'SELECT ring_size, next_slot, newest FROM rate_subjects WHERE subject = ?',
  );
  const readSlot = db.prepare<[string, number], number>('SELECT at FROM rate_slots WHERE subject = ? AND slot = ?').pluck();
  // One accepted request: its slot and the ring's next slot and newest time, in one statement (migration 8).
  const accept = db.prepare('INSERT INTO rate_accepts (subject, slot, next_slot, at, newest_before) VALUES (?, ?, ?, ?, ?)');
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

  const known = new Map<string, KnownRing | null>();
  let knownAt = changes.version;
  let knownSlots = 0;
  const forgetAll = () => {
    known.clear();
    knownSlots = 0;
    knownAt = changes.version;
  };
  const learnSlot = (ring: KnownRing, slot: number, at: number | null) => {
    if (!ring.slots.has(slot)) knownSlots++;
    ring.slots.set(slot, at);
  };

  /** The subject's ring (null: none), from memory or read. */
  const ringOf = (subject: string): KnownRing | null => {
    if (knownAt !== changes.version || known.size >= MAX_KNOWN_SUBJECTS || knownSlots >= MAX_KNOWN_SLOTS) forgetAll();
    let ring = known.get(subject);
    if (ring === undefined) {
      const row = readSubject.get(subject);
      ring = row ? { size: row.ring_size, next: row.next_slot, newest: row.newest, slots: new Map(), whole: false } : null;
      known.set(subject, ring);
    }
    return ring;
  };

  /** The time of the limit-th most recent accepted request, `limit` slots behind the next (the caller checked limit <= size). */
  const limitThOf = (subject: string, ring: KnownRing, limit: number): number | null => {
    const slot = (ring.next - limit + ring.size) % ring.size;
    const at = ring.slots.get(slot);
    if (at !== undefined) return at;
    if (ring.whole) return null;
    const read = readSlot.get(subject, slot) ?? null;
    learnSlot(ring, slot, read);
    return read;
  };

  /** Allowed iff the limit-th most recent accepted request (if any) has left the window. */
  const decide = (limitTh: number | null, rule: RateRule, now: number): RateDecision => {
    if (limitTh === null || limitTh <= now - rule.windowMs) return ALLOWED;
    // The next request is accepted once that request leaves the window.
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((limitTh + rule.windowMs - now) / 1000)) };
  };

  /** A subject's first accepted request: a new ring of `limit` slots. */
  const begin = db.transaction((subject: string, rule: RateRule, now: number) => {
    writeSlot.run(subject, 0, now);
    writeSubject.run(subject, rule.limit, 1 % rule.limit, now);
  });

  /**
   * The limit rose above the ring's size: the window holds at most `size` accepted requests, fewer than
   * the limit, so the request is accepted; the ring's times are renumbered from slot 0 in a ring of `limit`.
   */
  const growAndAccept = db.transaction((subject: string, ring: KnownRing, rule: RateRule, now: number) => {
    const times = timesOldestFirst.all({ subject, next: ring.next, size: ring.size });
    dropSlots.run(subject);
    times.forEach((at, slot) => writeSlot.run(subject, slot, at));
    const at = Math.max(now, ring.newest);
    writeSlot.run(subject, times.length, at);
    writeSubject.run(subject, rule.limit, (times.length + 1) % rule.limit, at);
  });

  // Pruning is amortised: at most once a window per process, a batch per request until done.
  let prunedAt: number | undefined;
  const pruneIfDue = (rule: RateRule, now: number) => {
    // Also when the clock went back (a reset), or pruning would wait for real time to catch up.
    if (prunedAt !== undefined && now >= prunedAt && now - prunedAt < rule.windowMs) return;
    const stale = now - rule.windowMs;
    const slots = pruneSlots.run(stale, PRUNE_BATCH).changes;
    if (slots < PRUNE_BATCH) {
      if (pruneSubjects.run(stale).changes > 0 || slots > 0) forgetAll();
      prunedAt = now;
    } else {
      forgetAll();
    }
  };

  /** The subject's ring and the decision for its next request, and whether both came from memory. */
  const judge = (subject: string, rule: RateRule, now: number) => {
    const remembered = knownAt === changes.version && known.has(subject);
    const ring = ringOf(subject);
    const decision = !ring || rule.limit > ring.size ? ALLOWED : decide(limitThOf(subject, ring, rule.limit), rule, now);
    return { ring, decision, remembered };
  };

  /** Accepts a request at the ring's next slot: false when the ring was not where memory said (then forgotten). */
  const acceptAt = (subject: string, ring: KnownRing, now: number): boolean => {
    const at = Math.max(now, ring.newest);
    const slot = ring.next;
    try {
      accept.run(subject, slot, (slot + 1) % ring.size, at, ring.newest);
    } catch (error) {
      known.delete(subject);
      if (error instanceof Error && error.message.includes(NOT_WHERE_SAID)) return false;
      throw error;
    }
    learnSlot(ring, slot, at);
    ring.next = (slot + 1) % ring.size;
    ring.newest = at;
    return true;
  };

  const hitHere = (subject: string, rule: RateRule, now: number): RateDecision => {
    pruneIfDue(rule, now);
    for (;;) {
      const { ring, decision, remembered } = judge(subject, rule, now);
      // Memory decides alone only what the write checks (acceptAt's compare-and-set). A refusal, a new
      // ring and a grown one are decided again on what the database says, read inside the write lock.
      if (remembered && (!decision.allowed || !ring || rule.limit > ring.size)) {
        known.delete(subject);
        continue;
      }
      if (!decision.allowed) return decision;
      if (!ring) {
        begin(subject, rule, now); // should it fail, it wrote nothing and memory still says "no ring"
        known.set(subject, { size: rule.limit, next: 1 % rule.limit, newest: now, slots: new Map([[0, now]]), whole: true });
        knownSlots++;
        return ALLOWED;
      }
      if (rule.limit > ring.size) {
        known.delete(subject); // renumbered: read again when next needed
        growAndAccept(subject, ring, rule, now);
        return ALLOWED;
      }
      if (acceptAt(subject, ring, now)) return ALLOWED;
      // The ring was not where memory said (a caller's savepoint rolled back around a hit): forgotten, read again.
      if (!remembered) throw new Error(`the rate limiter's ring of ${subject} moved while the write lock was held`);
    }
  };
  // Alone, the hit is a transaction of its own; the look inside it sees what others committed before.
  const hitAlone = db.transaction((subject: string, rule: RateRule, now: number) => {
    changes.look();
    return hitHere(subject, rule, now);
  });

  return {
    /** Counts one request for the subject unless it is over the limit; a refused request is not counted. */
    hit: (subject: string, rule: RateRule, now: number): RateDecision => {
      if (!turn) return hitAlone.immediate(subject, rule, now);
      turn.enter();
      return hitHere(subject, rule, now); // in the turn's transaction, which holds the write lock
    },
    /** Would a request be refused? Counts nothing. */
    peek: (subject: string, rule: RateRule, now: number): RateDecision => {
      if (turn) turn.enter();
      else changes.look();
      const first = judge(subject, rule, now);
      if (first.decision.allowed || !first.remembered) return first.decision;
      known.delete(subject); // a refusal is made again from the database (see hitHere)
      return judge(subject, rule, now).decision;
    },
  };
}

export type RateLimitStore = ReturnType<typeof createRateLimitStore>;
