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
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
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
