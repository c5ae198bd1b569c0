/**
 * Behaviour settings and the virtual clock's offset, kept in the database so
 * every process on one file agrees. Startup writes the configured values;
 * PATCH /_mock/settings changes them until the next start.
 */
import type { OffsetStorage } from '../clock.js';
import type { Db } from '../db/open-database.js';
import { cachedRead, type ChangeWatch } from './change-watch.js';
import type { TurnTransaction } from './turn-transaction.js';

export interface Settings {
  idempotency_reuse: 'reject' | 'replay';
  rate_limit: number;
  rate_window_seconds: number;
}

/** Every request reads the settings and the clock: kept in memory until the database changes (change-watch.ts). */
export function createSettingsStore(db: Db, changes: ChangeWatch, turn?: TurnTransaction) {
  const readAll = db.prepare<[], { name: string; value: string }>('SELECT name, value FROM settings');
  const write = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
  const stored = cachedRead(changes, () => {
    const values = new Map(readAll.all().map((row) => [row.name, JSON.parse(row.value) as unknown]));
    const get = <T>(name: string, fallback: T): T => (values.has(name) ? (values.get(name) as T) : fallback);
    const settings: Readonly<Settings> = Object.freeze({
      idempotency_reuse: get('idempotency_reuse', 'reject'),
      rate_limit: get('rate_limit', 20),
      rate_window_seconds: get('rate_window_seconds', 60),
    });
    return { settings, offsetMs: get('clock_offset_ms', 0) };
  });
  const set = (name: string, value: unknown) => {
    write.run(name, JSON.stringify(value));
    changes.wrote();
  };
  const changeSettings = db.transaction((patch: Partial<Settings>) => {
    for (const [name, value] of Object.entries(patch)) if (value !== undefined) set(name, value);
  });

  const clockOffset: OffsetStorage = {
    readOffsetMs: () => stored.get().offsetMs,
    writeOffsetMs: (ms) => {
      turn?.flush();
      set('clock_offset_ms', ms);
    },
  };

  return {
    clockOffset,
    getSettings: (): Readonly<Settings> => stored.get().settings,
    changeSettings: (patch: Partial<Settings>) => {
      turn?.flush();
      try {
        changeSettings(patch);
      } finally {
        changes.wrote(); // also after a rollback: nothing read inside may stay cached
      }
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
