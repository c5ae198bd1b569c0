/**
 * Behaviour settings and the virtual clock's offset, kept in the database so
 * every process on one file agrees. Startup writes the configured values;
 * PATCH /_mock/settings changes them until the next start. Every
 * read-modify-write here is one IMMEDIATE transaction, so two processes never
 * both read the old value and one of their changes is lost.
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
  // One statement, so one snapshot: never half of a concurrent PATCH.
  const readAll = db.prepare<[], { name: string; value: string }>(
    "SELECT name, value FROM settings WHERE name IN ('idempotency_reuse', 'rate_limit', 'rate_window_seconds', 'journal_limit')",
  );

  const addOffset = db.transaction((ms: number) => {
    const offset = get('clock_offset_ms', 0) + ms;
    set('clock_offset_ms', offset);
    return offset;
  });
  const clockOffset: OffsetStorage = {
    readOffsetMs: () => get('clock_offset_ms', 0),
    writeOffsetMs: (ms) => set('clock_offset_ms', ms),
    addOffsetMs: (ms) => addOffset.immediate(ms),
  };

  const getSettings = (): Settings => {
    const stored = new Map(readAll.all().map((row) => [row.name, JSON.parse(row.value) as unknown]));
    return {
      idempotency_reuse: (stored.get('idempotency_reuse') as Settings['idempotency_reuse'] | undefined) ?? 'reject',
      rate_limit: (stored.get('rate_limit') as number | undefined) ?? 20,
      rate_window_seconds: (stored.get('rate_window_seconds') as number | undefined) ?? 60,
      journal_limit: (stored.get('journal_limit') as number | undefined) ?? DEFAULT_JOURNAL_LIMIT,
    };
  };
  const changeSettings = db.transaction((patch: Partial<Settings>): Settings => {
    for (const [name, value] of Object.entries(patch)) if (value !== undefined) set(name, value);
    return getSettings();
  });

  return {
    clockOffset,
    /** Only the journal's limit, for the journal's reads and prunes. */
    journalLimit: () => get('journal_limit', DEFAULT_JOURNAL_LIMIT),
    getSettings,
    /** Applies the patch and returns the settings as it left them, in one IMMEDIATE transaction. */
    changeSettings: (patch: Partial<Settings>): Settings => changeSettings.immediate(patch),
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
