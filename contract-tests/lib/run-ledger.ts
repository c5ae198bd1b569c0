/**
 * The run's shared book: money spent, purchases seen, request times for pacing. Test files run
 * one after another in separate workers, so the book lives in a JSON file that each worker reads
 * and writes synchronously (one event-loop turn: no interleaving inside a worker). Keys and codes
 * are stored only as hashes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Micros } from './money.js';

export interface LedgerState {
  /** Spending cap in micros; null: no cap (a mock, play money). */
  budget: Micros | null;
  spent: Micros;
  /** Worst-case cost of purchases sent and not answered yet. */
  reserved: Micros;
  /** order_id → what it cost and its code hashes, to tell a replay from a second charge. */
  orders: Record<string, { cost: Micros; codes: string[] }>;
  /** hash of every code delivered in this run → the order that delivered it. */
  codes: Record<string, string>;
  /** Times (ms) of requests sent to the public API, for pacing. */
  requestTimes: number[];
  /** No request before this time (ms): a 429's retry_after_seconds. */
  blockedUntil: number;
  requests: number;
  unexpected429: number;
}

export interface Ledger {
  read(): LedgerState;
  /** Runs `change` on the current state and stores the result; returns what `change` returns. */
  update<T>(change: (state: LedgerState) => T): T;
}

export function emptyLedgerState(budget: Micros | null): LedgerState {
  return { budget, spent: 0, reserved: 0, orders: {}, codes: {}, requestTimes: [], blockedUntil: 0, requests: 0, unexpected429: 0 };
}

export function hashSecret(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/** A ledger in memory, for the self-tests and the dry run. */
export function memoryLedger(budget: Micros | null): Ledger {
  let state = emptyLedgerState(budget);
  return {
    read: () => structuredClone(state),
    update(change) {
      const next = structuredClone(state);
      const result = change(next);
      state = next;
      return result;
    },
  };
}

/**
 * @example
 *   const ledger = fileLedger('reports/contract-ledger.json');
 *   ledger.update((s) => { s.spent += 100_000; });
 */
export function fileLedger(path: string): Ledger {
  const read = (): LedgerState => JSON.parse(readFileSync(path, 'utf8')) as LedgerState;
  return {
    read,
    update(change) {
      const state = read();
      const result = change(state);
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(state));
      renameSync(temp, path);
      return result;
    },
  };
}

export function createFileLedger(path: string, budget: Micros | null): Ledger {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(emptyLedgerState(budget)));
  return fileLedger(path);
}
