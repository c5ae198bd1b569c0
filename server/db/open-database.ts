/**
 * Opens (creating if needed) the sandbox database and brings its schema up to date.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.js';

/** An interface, not an alias, so the package's type declarations can name it. */
export interface Db extends Database.Database {}

export class DatabaseTooNewError extends Error {}

/** The database file cannot be created or opened: a bad path, a missing permission. */
export class DatabaseOpenError extends Error {}

/**
 * Creates the folders above the file one level at a time. Not `recursive: true`:
 * on Node 20 that loops forever under a path like /proc/x, instead of failing.
 */
function makeParentFolders(path: string) {
  const missing: string[] = [];
  for (let dir = dirname(path); !existsSync(dir) && dir !== dirname(dir); dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) mkdirSync(dir);
}

const BUSY_WAIT_MS = 5000;

/**
 * Runs `step`, again and again while SQLite answers SQLITE_BUSY, for at most `budgetMs`.
 * Needed for the switch to WAL on a new file: when two processes start on it at once,
 * one holds a read lock and the other a write lock, and SQLite answers BUSY at once
 * without calling the busy handler (waiting could deadlock), so busy_timeout never helps.
 * Startup only, so a blocking sleep (Atomics.wait) is fine.
 */
export function whileBusy<T>(step: () => T, budgetMs: number): T {
  const deadline = Date.now() + budgetMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 1; ; attempt++) {
    try {
      return step();
    } catch (error) {
      const busy = String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY');
      if (!busy || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, Math.min(5 * attempt, 50));
    }
  }
}

/**
 * @example const db = openDatabase(':memory:');
 * @example const db = openDatabase('.data/sandbox.sqlite'); // WAL, shared safely by several processes
 */
export function openDatabase(path: string): Db {
  let db: Db;
  try {
    if (path !== ':memory:') makeParentFolders(path);
    db = new Database(path);
  } catch (error) {
    throw new DatabaseOpenError(`cannot open database ${path}: ${(error as Error).message}`);
  }
  try {
    // Another process may hold the write lock for a moment (its turn's transaction, a migration):
    // wait instead of failing, from the first statement on (switching to WAL needs a lock too).
    db.pragma('busy_timeout = 5000');
    if (path !== ':memory:') whileBusy(() => db.pragma('journal_mode = WAL'), BUSY_WAIT_MS);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Applies the migrations this database lacks, all in one transaction. */
export function migrate(db: Db, list: readonly string[] = migrations): { from: number; to: number } {
  const apply = db.transaction(() => {
    const from = db.pragma('user_version', { simple: true }) as number;
    if (from > list.length) {
      throw new DatabaseTooNewError(
        `database schema version ${from} is newer than this mock understands (${list.length}); use a newer mock or another database file`,
      );
    }
    list.slice(from).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${list.length}`);
    return { from, to: list.length };
  });
  // Immediate: two processes starting on one new file must not both migrate.
  return apply.immediate();
}
