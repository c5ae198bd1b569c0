/**
 * Rolling-window request counting, kept in SQLite so that several server
 * processes on one database file share one limit per key.
 * Written by hand rather than with a rate-limit package: the window must follow
 * the injected (virtual) clock, live in the shared database, and not count the
 * requests it turns away.
 */
import type { Db } from '../db/open-database.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateRule {
  limit: number;
  windowMs: number;
}

export function createRateLimitStore(db: Db) {
  const prune = db.prepare('DELETE FROM rate_events WHERE at <= ?');
  const inWindow = db.prepare<[string, number], { at: number }>('SELECT at FROM rate_events WHERE subject = ? AND at > ? ORDER BY at');
  const count = db.prepare('INSERT INTO rate_events (subject, at) VALUES (?, ?)');

  const decide = (subject: string, rule: RateRule, now: number): RateDecision => {
    const since = now - rule.windowMs;
    const events = inWindow.all(subject, since);
    if (events.length < rule.limit) return { allowed: true };
    // The next request is accepted once enough of the oldest events have left the window.
    const freeing = events[events.length - rule.limit]!.at;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeing + rule.windowMs - now) / 1000)) };
  };

  const hit = db.transaction((subject: string, rule: RateRule, now: number): RateDecision => {
    prune.run(now - rule.windowMs);
    const decision = decide(subject, rule, now);
    if (decision.allowed) count.run(subject, now);
    return decision;
  });

  return {
    /** Counts one request for the subject unless it is over the limit; a refused request is not counted. */
    hit: (subject: string, rule: RateRule, now: number): RateDecision => hit.immediate(subject, rule, now),
    /** Would a request be refused? Counts nothing. */
    peek: (subject: string, rule: RateRule, now: number): RateDecision => decide(subject, rule, now),
  };
}

export type RateLimitStore = ReturnType<typeof createRateLimitStore>;
