/**
 * The request journal in SQLite: one prepared INSERT per request, shared by every process on
 * the file (AUTOINCREMENT ids increase across processes and never go back). Bounded: readers
 * see only the newest `journal_limit` entries, and the rows below that are deleted every
 * PRUNE_EVERY inserts, so the hot path does not pay for a DELETE each time.
 */
import type { Db } from '../db/open-database.js';
import type { TurnTransaction } from './turn-transaction.js';
import type { AppliedFault, JournalEntry, JournalFilter, JournalOperation } from '../journal/journal-entry.js';

export const PRUNE_EVERY = 100;

interface JournalRow {
  id: number;
  at: number;
  method: string;
  path: string;
  operation: JournalOperation | null;
  account_id: string | null;
  key_prefix: string | null;
  key_hash: string | null;
  idempotency_key: string | null;
  request_body: string | null;
  status: number;
  error_code: string | null;
  response_body: string | null;
  latency_ms: number;
  fault: AppliedFault | null;
  order_id: string | null;
  replayed: 0 | 1;
}

const toEntry = (row: JournalRow): JournalEntry => ({
  id: row.id,
  at: row.at,
  method: row.method,
  path: row.path,
  operation: row.operation,
  accountId: row.account_id,
  keyPrefix: row.key_prefix,
  keyHash: row.key_hash,
  idempotencyKey: row.idempotency_key,
  requestBody: row.request_body,
  status: row.status,
  errorCode: row.error_code,
  responseBody: row.response_body,
  latencyMs: row.latency_ms,
  fault: row.fault,
  orderId: row.order_id,
  replayed: row.replayed === 1,
});

/** The WHERE clause of a filter; the values go in as parameters, never into the SQL text. */
function where(filter: JournalFilter, limit: number): { sql: string; params: (string | number)[] } {
  // The bound is applied on read, so the journal never shows more than the limit between prunes.
  const clauses = ['id > (SELECT COALESCE(MAX(id), 0) FROM journal) - ?'];
  const params: (string | number)[] = [limit];
  const add = (clause: string, ...values: (string | number)[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (filter.accountId !== undefined) add('account_id = ?', filter.accountId);
  // A prefix is compared on the characters kept (a whole key given as the filter still matches).
  if (filter.keyPrefix !== undefined) {
    const prefix = filter.keyPrefix.slice(0, 10);
    add('substr(key_prefix, 1, ?) = ?', prefix.length, prefix);
  }
  if (filter.operation !== undefined) add('operation = ?', filter.operation);
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.errorCode !== undefined) add('error_code = ?', filter.errorCode);
  if (filter.idempotencyKey !== undefined) add('idempotency_key = ?', filter.idempotencyKey);
  if (filter.since !== undefined) add('at >= ?', filter.since);
  if (filter.until !== undefined) add('at <= ?', filter.until);
  return { sql: clauses.join(' AND '), params };
}

/**
 * With a turn transaction (turn-transaction.ts), an entry joins the API's shared transaction as one
 * INSERT, committed with the turn: no write lock and WAL append of its own per request.
 */
export function createJournalStore(db: Db, journalLimit: () => number, turn?: TurnTransaction) {
  // Positional parameters: better-sqlite3 binds them faster than named ones, and every API request writes one.
  const insert = db.prepare(
    `INSERT INTO journal (at, method, path, operation, account_id, key_prefix, key_hash, idempotency_key, request_body, status,
       error_code, response_body, latency_ms, fault, order_id, replayed)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const prune = db.prepare('DELETE FROM journal WHERE id <= (SELECT MAX(id) FROM journal) - ?');
  const clear = db.prepare('DELETE FROM journal');
  const lastId = db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM journal');
  let insertsSincePrune = 0;
  // A filter's SQL depends only on which fields it has: a handful of shapes, each prepared once.
  const prepared = new Map<string, ReturnType<typeof db.prepare<unknown[], JournalRow>>>();
  const select = (sql: string) => {
    let statement = prepared.get(sql);
    if (!statement) prepared.set(sql, (statement = db.prepare<unknown[], JournalRow>(sql)));
    return statement;
  };

  const pruneNow = () => prune.run(journalLimit()).changes;
  // One INSERT, atomic by itself: no savepoint around it (the prune after it stands on its own).
  const recordOne = (e: Omit<JournalEntry, 'id'>): number => {
    const { lastInsertRowid } = insert.run(
      e.at, e.method, e.path, e.operation, e.accountId, e.keyPrefix, e.keyHash, e.idempotencyKey, e.requestBody, e.status,
      e.errorCode, e.responseBody, e.latencyMs, e.fault, e.orderId, e.replayed ? 1 : 0,
    );
    if (++insertsSincePrune >= PRUNE_EVERY) {
      insertsSincePrune = 0;
      pruneNow();
    }
    return Number(lastInsertRowid);
  };
  const recordAlone = db.transaction(recordOne);

  return {
    /** Writes one entry; returns its id. */
    record(entry: Omit<JournalEntry, 'id'>): number {
      if (!turn) return recordAlone.immediate(entry);
      turn.enter();
      return recordOne(entry); // joins the turn's transaction
    },
    /** Entries matching the filter: the newest first unless order is 'oldest'; at most filter.limit (default 100). */
    list(filter: JournalFilter = {}): JournalEntry[] {
      const { sql, params } = where(filter, journalLimit());
      const order = filter.order === 'oldest' ? 'ASC' : 'DESC';
      const rows = select(`SELECT * FROM journal WHERE ${sql} ORDER BY id ${order} LIMIT ?`).all(...params, filter.limit ?? 100);
      return rows.map(toEntry);
    },
    /** Entries after an id, oldest first: what a follower has not seen yet. */
    after(afterId: number, filter: JournalFilter = {}, limit = 500): JournalEntry[] {
      const { sql, params } = where(filter, journalLimit());
      const rows = select(`SELECT * FROM journal WHERE id > ? AND ${sql} ORDER BY id ASC LIMIT ?`).all(afterId, ...params, limit);
      return rows.map(toEntry);
    },
    lastId: () => lastId.get()?.id ?? 0,
    /** Deletes the rows past the limit now (after the limit was lowered). */
    prune: pruneNow,
    clear: () => clear.run().changes,
  };
}

export type JournalStore = ReturnType<typeof createJournalStore>;
