/**
 * When what a process keeps in memory from the database (settings, the clock's
 * offset, key lookups) may be out of date: when another connection has committed
 * (another server process on the file), or when this process wrote it.
 *
 * SQLite's `PRAGMA data_version` changes when another connection commits, never
 * for this connection's own commits: one look per request (`look()`, which the app
 * does before anything else) notices the first; the store's writes call `wrote()`
 * for the second. A cache keeps `version` with what it read and reads again when
 * it differs. Writes no cache holds (the rate limiter's, purchases, a journal)
 * need not call `wrote()`, so the caches survive them.
 */
import type { Db } from '../db/open-database.js';

export interface ChangeWatch {
  /** Moves whenever a cached value may have changed; compare, never compute with it. */
  readonly version: number;
  /** Notices commits of other connections since the last look (one cheap pragma). */
  look(): void;
  /** This process wrote something a cache may hold. */
  wrote(): void;
}

/** @example const changes = createChangeWatch(db); changes.look(); if (cached.version !== changes.version) reread(); */
export function createChangeWatch(db: Db): ChangeWatch {
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  let seen = dataVersion.get();
  let version = 0;
  return {
    get version() {
      return version;
    },
    look() {
      const now = dataVersion.get();
      if (now !== seen) {
        seen = now;
        version++;
      }
    },
    wrote() {
      version++;
    },
  };
}

/**
 * One value read from the database, kept until the watch says it may have changed.
 * @example const settings = cachedRead(changes, () => readAllSettings()); settings.get();
 */
export function cachedRead<T>(changes: ChangeWatch, read: () => T): { get(): T } {
  let value: T;
  let at = -1;
  return {
    get() {
      if (at !== changes.version) {
        value = read();
        at = changes.version;
      }
      return value;
    },
  };
}

/**
 * Values read from the database by key, kept until the watch says they may have changed; past
 * `max` entries all are dropped, so memory stays bounded whatever the keys.
 * @example const lookups = cachedReads<string, Row>(changes, 10_000); lookups.get(key, () => byKey.get(key));
 */
export function cachedReads<K, V>(changes: ChangeWatch, max: number) {
  const values = new Map<K, V>();
  let at = changes.version;
  const current = () => {
    if (at !== changes.version || values.size >= max) {
      values.clear();
      at = changes.version;
    }
    return values;
  };
  return {
    /** The kept value, else what `read` returns, kept unless it is undefined. */
    get(key: K, read: () => V | undefined): V | undefined {
      const kept = current().get(key);
      if (kept !== undefined) return kept;
      const value = read();
      if (value !== undefined) values.set(key, value);
      return value;
    },
    /** Forgets one key: the next get reads it again. */
    forget: (key: K) => values.delete(key),
    /** Forgets every key. */
    forgetAll: () => values.clear(),
  };
}
