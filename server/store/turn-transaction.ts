/**
 * Group commit: the API requests handled in one turn of the event loop share one
 * `BEGIN IMMEDIATE` transaction for their synchronous checks (key, rate limit,
 * reads), committed once at the end of the turn. In WAL mode each transaction of
 * its own costs file locks and a WAL append, more than the checks themselves; one
 * per turn instead of several per request is most of the API's speed.
 *
 * Nothing is weakened by it:
 * - it holds the database's write lock from its first statement to its commit, so
 *   another process cannot decide anything in between: limits stay exact;
 * - answers wait for the commit (`committed()`), so nothing is acknowledged before
 *   it is durable, as with a transaction per request;
 * - each step inside runs in a savepoint (better-sqlite3 nests `db.transaction`
 *   that way), so a failing step undoes only itself;
 * - writes of state (a purchase, the control API) never join it: they `flush()` it
 *   first and run in a transaction of their own, committed before they answer.
 *
 * Caches are looked at (change-watch.ts) when it begins: while it is open, no
 * other connection can commit. When its commit fails, what the caches learnt from
 * its writes was undone: `onRollback` says so.
 */
import type { Db } from '../db/open-database.js';

export interface TurnTransaction {
  /** Joins this turn's transaction, beginning it (BEGIN IMMEDIATE) if none is open. */
  enter(): void;
  /** Resolves once the transaction open now (if any) has committed; rejects if its commit failed. */
  committed(): Promise<void>;
  /** Commits the open transaction now, so that a write of its own can follow. */
  flush(): void;
  /** A mark of the turn open now or the next one: `failedSince(mark)` is true once any turn from it on failed to commit. */
  mark(): number;
  /**
   * Did a turn from `mark` on fail to commit? A request that awaited between two of its steps
   * (a body, a fault's delay) may have had work in a turn that committed while it was not
   * waiting on it: the request must not answer as if that work were done.
   */
  failedSince(mark: number): boolean;
}

/** @example const turn = createTurnTransaction(db, changes.look, changes.wrote); turn.enter(); ...; await turn.committed(); */
export function createTurnTransaction(db: Db, onBegin: () => void, onRollback: () => void): TurnTransaction {
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  let open = false;
  let begun = 0; // turns begun so far; the open one, if any, is number `begun`
  let lastFailed = 0; // the number of the last turn whose commit failed
  let waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  const flush = () => {
    if (!open) return;
    open = false;
    const answers = waiting;
    waiting = [];
    try {
      commit.run();
    } catch (error) {
      lastFailed = begun;
      if (db.inTransaction) rollback.run();
      onRollback();
      for (const answer of answers) answer.reject(error);
      return;
    }
    for (const answer of answers) answer.resolve();
  };

  return {
    enter() {
      if (open) return;
      begin.run();
      open = true;
      begun++;
      // After this turn's I/O callbacks, before the next poll: every request of the turn has joined.
      setImmediate(flush);
      onBegin();
    },
    committed: () => (open ? new Promise<void>((resolve, reject) => waiting.push({ resolve, reject })) : Promise.resolve()),
    flush,
    mark: () => (open ? begun : begun + 1),
    failedSince: (mark) => lastFailed >= mark,
  };
}
