/**
 * The store: every read and write of sandbox state, as synchronous functions over
 * one better-sqlite3 connection. Statements are prepared once here.
 */
import { toMicros } from '../../spec/money.js';
import type { Fixture } from '../../spec/control-schemas.js';
import type { Db } from '../db/open-database.js';
import { createAccountsStore } from './accounts-store.js';
import { createFaultsStore } from './faults-store.js';
import { createJournalStore } from './journal-store.js';
import { createProductsStore } from './products-store.js';
import { createPurchasesStore } from './purchases-store.js';
import { newCode } from './random-ids.js';
import { createRateLimitStore } from './rate-limit-store.js';
import { createSettingsStore } from './settings-store.js';

/** Codes for a product: the fixture's own, or `stock` new random ones. */
export const codesFor = (productId: string, spec: { stock?: number; codes?: readonly string[] }) =>
  spec.codes ?? Array.from({ length: spec.stock ?? 0 }, () => newCode(productId));

/**
 * @example const store = createStore(openDatabase(':memory:')); store.loadFixture(fixture, clock.now());
 */
export function createStore(db: Db) {
  const accounts = createAccountsStore(db);
  const products = createProductsStore(db);
  const purchases = createPurchasesStore(db);
  const rateLimits = createRateLimitStore(db);
  const settings = createSettingsStore(db);
  const faults = createFaultsStore(db, accounts);
  const journal = createJournalStore(db, settings.journalLimit);
  const isEmpty = db.prepare('SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM accounts) AND NOT EXISTS (SELECT 1 FROM products)');

  /**
   * Replaces all sandbox state (not the settings) with the fixture, in one transaction: the
   * fixture's fault rules replace those made through the API, the configuration's start over,
   * and the journal is emptied.
   */
  const loadFixture = db.transaction((fixture: Fixture, now: number) => {
    db.exec(`DELETE FROM idempotency_records; DELETE FROM rate_events; DELETE FROM codes; DELETE FROM orders;
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
  });

  return {
    db,
    accounts,
    products,
    purchases,
    rateLimits,
    settings,
    faults,
    journal,
    loadFixture: (fixture: Fixture, now: number) => loadFixture.immediate(fixture, now),
    /** Is there any state yet? A new database file is seeded from the fixture; an existing one is kept. */
    isEmpty: () => isEmpty.get() !== undefined,
    /** Runs fn in one IMMEDIATE transaction (control API writes with several steps). */
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
  };
}

export type Store = ReturnType<typeof createStore>;
