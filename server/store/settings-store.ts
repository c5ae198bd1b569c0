/**
 * Behaviour settings and the virtual clock's offset, kept in the database so
 * every process on one file agrees. Startup writes the configured values;
 * PATCH /_mock/settings changes them until the next start. Every
 * read-modify-write here is one IMMEDIATE transaction, so two processes never
 * both read the old value and one of their changes is lost.
 */
import type { OffsetStorage } from '../clock.js';
import type { Db } from '../db/open-database.js';
import { cachedRead, type ChangeWatch } from './change-watch.js';
import type { TurnTransaction } from './turn-transaction.js';

export interface Settings {
  idempotency_reuse: 'reject' | 'replay';
  rate_limit: number;
  rate_window_seconds: number;
  /** How many entries the request journal keeps. */
  journal_limit: number;
}

export const DEFAULT_JOURNAL_LIMIT = 10_000;

/**
 * Every request reads the settings and the clock: kept in memory until the database changes
 * (change-watch.ts). Writes commit the turn's transaction first and run in an IMMEDIATE one of their own.
 */
export function createSettingsStore(db: Db, changes: ChangeWatch, turn?: TurnTransaction) {
  const readAll = db.prepare<[], { name: string; value: string }>('SELECT name, value FROM settings');
  const read = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?');
  const write = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
  // One statement, so one snapshot: never half of a concurrent PATCH.
  const stored = cachedRead(changes, () => {
    const values = new Map(readAll.all().map((row) => [row.name, JSON.parse(row.value) as unknown]));
    const get = <T>(name: string, fallback: T): T => (values.has(name) ? (values.get(name) as T) : fallback);
    const settings: Readonly<Settings> = Object.freeze({
      idempotency_reuse: get('idempotency_reuse', 'reject'),
      rate_limit: get('rate_limit', 20),
      rate_window_seconds: get('rate_window_seconds', 60),
      journal_limit: get('journal_limit', DEFAULT_JOURNAL_LIMIT),
    });
    return { settings, offsetMs: get('clock_offset_ms', 0) };
  });
  const set = (name: string, value: unknown) => {
    write.run(name, JSON.stringify(value));
    changes.wrote();
  };
  /** A write of its own: after the turn's transaction, and no cache keeps what was read meanwhile. */
  const writing = <T>(write: () => T): T => {
    turn?.flush();
    try {
      return write();
    } finally {
      changes.wrote(); // also after a rollback: nothing read inside may stay cached
    }
  };

  // Read-modify-writes read the database itself inside their IMMEDIATE transaction, never the cache.
  const addOffset = db.transaction((ms: number) => {
    const row = read.get('clock_offset_ms');
    const offset = (row ? (JSON.parse(row.value) as number) : 0) + ms;
    set('clock_offset_ms', offset);
    return offset;
  });
  const clockOffset: OffsetStorage = {
    readOffsetMs: () => stored.get().offsetMs,
    writeOffsetMs: (ms) => writing(() => set('clock_offset_ms', ms)),
    addOffsetMs: (ms) => writing(() => addOffset.immediate(ms)),
  };

  const getSettings = (): Readonly<Settings> => stored.get().settings;
  const changeSettings = db.transaction((patch: Partial<Settings>): Settings => {
    for (const [name, value] of Object.entries(patch)) if (value !== undefined) set(name, value);
    return getSettings(); // set() moved the version: read again, inside the transaction
  });

  return {
    clockOffset,
    /** Only the journal's limit, for the journal's reads and prunes. */
    journalLimit: () => getSettings().journal_limit,
    getSettings,
    /** Applies the patch and returns the settings as it left them, in one IMMEDIATE transaction. */
    changeSettings: (patch: Partial<Settings>): Settings => writing(() => changeSettings.immediate(patch)),
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
