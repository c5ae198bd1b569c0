/**
 * The store: every read and write of sandbox state, as synchronous functions over
 * one better-sqlite3 connection. Statements are prepared once here.
 */
import { toMicros } from '../../spec/money.js';
import { Fixture } from '../../spec/control-schemas.js';
import type { Db } from '../db/open-database.js';
import { createAccountsStore } from './accounts-store.js';
import { createAuthTrustStore } from './auth-trust-store.js';
import { createChangeWatch } from './change-watch.js';
import { createFaultsStore } from './faults-store.js';
import { createJournalStore } from './journal-store.js';
import { createProductsStore } from './products-store.js';
import { createPurchasesStore } from './purchases-store.js';
import { newCode } from './random-ids.js';
import { createRateLimitStore } from './rate-limit-store.js';
import { createSettingsStore } from './settings-store.js';
import { createTurnTransaction } from './turn-transaction.js';

/** Codes for a product: the fixture's own, or `stock` new random ones. */
export const codesFor = (productId: string, spec: { stock?: number; codes?: readonly string[] }) =>
  spec.codes ?? Array.from({ length: spec.stock ?? 0 }, () => newCode(productId));

/**
 * @example const store = createStore(openDatabase(':memory:')); store.loadFixture(fixture, clock.now());
 */
export function createStore(db: Db) {
  const changes = createChangeWatch(db);
  const turn = createTurnTransaction(db, changes.look, changes.wrote);
  const accounts = createAccountsStore(db, changes, turn);
  const products = createProductsStore(db, changes);
  const purchases = createPurchasesStore(db, turn, products.stockMoved, changes.look);
  const rateLimits = createRateLimitStore(db, turn, changes);
  const settings = createSettingsStore(db, changes, turn);
  const faults = createFaultsStore(db, accounts, changes);
  const journal = createJournalStore(db, settings.journalLimit, turn);
  const authTrust = createAuthTrustStore(db, changes);
  const isEmpty = db.prepare('SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM accounts) AND NOT EXISTS (SELECT 1 FROM products)');
  const readFixture = db.prepare<[], { fixture: string }>('SELECT fixture FROM current_fixture WHERE id = 1');
  const writeFixture = db.prepare(
    'INSERT INTO current_fixture (id, fixture) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET fixture = excluded.fixture',
  );

  /** The fixture resets return to, or undefined in a database that has none yet. */
  const currentFixture = (): Fixture | undefined => {
    const row = readFixture.get();
    return row && Fixture.parse(JSON.parse(row.fixture));
  };

  /**
   * Replaces all sandbox state (not the settings, not the stored fixture) with the fixture's: the
   * fixture's fault rules replace those made through the API, the configuration's start over, and
   * the journal is emptied. Call inside a transaction.
   */
  const replaceState = (fixture: Fixture, now: number) => {
    // auth_trust stays: which keys a client address uses is about the network, not the sandbox's
    // data, and the same fixture keys come back after a reset.
    db.exec(`DELETE FROM idempotency_records; DELETE FROM rate_subjects; DELETE FROM rate_slots; DELETE FROM codes; DELETE FROM orders;
             DELETE FROM api_keys; DELETE FROM accounts; DELETE FROM products;`);
    for (const account of fixture.accounts) {
      accounts.insertAccount({ id: account.id, status: account.status, balanceMicros: toMicros(account.balance)!, now });
      for (const key of account.keys) accounts.insertKey(account.id, key.key, now, key.revoked);
    }
    for (const product of fixture.products) {
      products.putProduct({ id: product.id, name: product.name, priceMicros: toMicros(product.price)!, codes: codesFor(product.id, product) });
    }
    faults.resetForFixture(fixture.faults ?? [], now);
    journal.clear();
  };

  /** The fixture becomes the state and the one resets return to, together. */
  const loadFixture = db.transaction((fixture: Fixture, now: number) => {
    replaceState(fixture, now);
    writeFixture.run(JSON.stringify(fixture));
  });

  /** Back to the stored fixture; returns it. */
  const resetToFixture = db.transaction((now: number) => {
    const fixture = currentFixture();
    if (!fixture) throw new Error('the database has no fixture to reset to');
    replaceState(fixture, now);
    return fixture;
  });

  /**
   * At startup. A database without a fixture takes this one: as its state too when it has
   * none (a new file; returns true), as the reset target only when it has state (a file
   * from before fixtures were stored). A database with a fixture keeps it and its state.
   */
  const seedFixture = db.transaction((fixture: Fixture, now: number): boolean => {
    if (readFixture.get()) return false;
    const empty = isEmpty.get() !== undefined;
    if (empty) replaceState(fixture, now);
    writeFixture.run(JSON.stringify(fixture));
    return empty;
  });

  /**
   * Runs a write of several steps as a transaction of its own, after the turn's; afterwards,
   * committed or rolled back, nothing read meanwhile stays cached.
   */
  const writing = <T>(write: () => T): T => {
    turn.flush();
    try {
      return write();
    } finally {
      changes.wrote();
    }
  };
  return {
    db,
    /** Say when per-process caches may be stale: looked at when the turn's transaction begins, and per control request. */
    changes,
    /** The transaction the API requests of one event-loop turn share (turn-transaction.ts). */
    turn,
    accounts,
    products,
    purchases,
    rateLimits,
    settings,
    faults,
    journal,
    authTrust,
    loadFixture: (fixture: Fixture, now: number) => writing(() => loadFixture.immediate(fixture, now)),
    resetToFixture: (now: number) => writing(() => resetToFixture.immediate(now)),
    seedFixture: (fixture: Fixture, now: number) => writing(() => seedFixture.immediate(fixture, now)),
    currentFixture,
    /**
     * Runs fn in one IMMEDIATE transaction of its own, after the turn's: every read-modify-write of
     * shared state (control API writes with several steps). Immediate takes the write lock before
     * the first read, so another process cannot change what fn read before fn writes.
     */
    transaction: <T>(fn: () => T): T => writing(() => db.transaction(fn).immediate()),
    /** Runs fn's reads in one read transaction: one consistent snapshot of the database (WAL). */
    snapshot: <T>(fn: () => T): T => db.transaction(fn).deferred(),
  };
}

export type Store = ReturnType<typeof createStore>;
