/**
 * Behaviour settings and the virtual clock's offset, kept in the database so
 * every process on one file agrees. Startup writes the configured values;
 * PATCH /_mock/settings changes them until the next start.
 */
import type { OffsetStorage } from '../clock.js';
import type { Db } from '../db/open-database.js';

export interface Settings {
  idempotency_reuse: 'reject' | 'replay';
  rate_limit: number;
  rate_window_seconds: number;
  /** How many entries the request journal keeps. */
  journal_limit: number;
}

export const DEFAULT_JOURNAL_LIMIT = 10_000;

export function createSettingsStore(db: Db) {
  const read = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?');
  const write = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
  const get = <T>(name: string, fallback: T): T => {
    const row = read.get(name);
    return row ? (JSON.parse(row.value) as T) : fallback;
  };
  const set = (name: string, value: unknown) => write.run(name, JSON.stringify(value));

  const change = db.transaction((patch: Partial<Settings>) => {
    for (const [name, value] of Object.entries(patch)) if (value !== undefined) set(name, value);
  });

  const clockOffset: OffsetStorage = {
    readOffsetMs: () => get('clock_offset_ms', 0),
    writeOffsetMs: (ms) => set('clock_offset_ms', ms),
  };

  return {
    clockOffset,
    /** Only the journal's limit, for the journal's reads and prunes. */
    journalLimit: () => get('journal_limit', DEFAULT_JOURNAL_LIMIT),
    getSettings: (): Settings => ({
      idempotency_reuse: get('idempotency_reuse', 'reject'),
      rate_limit: get('rate_limit', 20),
      rate_window_seconds: get('rate_window_seconds', 60),
      journal_limit: get('journal_limit', DEFAULT_JOURNAL_LIMIT),
    }),
    /** Writes every given setting, in one transaction. */
    changeSettings: (patch: Partial<Settings>): void => change(patch),
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
