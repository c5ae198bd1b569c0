/**
 * A purchase is one BEGIN IMMEDIATE transaction of its own, read from the
 * statements the connection runs: it takes the write lock before its first read
 * (so no other process can change stock, balance or records between its reads and
 * its writes), and the turn's shared transaction was committed before it began.
 * Deterministic, where the multi-process tests catch a deferred transaction by the
 * races it loses.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Fixture } from '../../spec/control-schemas.js';
import { migrate } from '../db/open-database.js';
import { createStore } from './create-store.js';
import { hashKey } from './random-ids.js';

const fixture: Fixture = {
  accounts: [{ id: 'a', balance: 10, status: 'active', keys: [{ key: 'mk_test_a', revoked: false }] }],
  products: [{ id: 'p', name: 'P', price: 1, stock: 5 }],
};

function recordedStore() {
  const statements: string[] = [];
  const db = new Database(':memory:', { verbose: (sql) => statements.push(String(sql)) });
  migrate(db);
  const store = createStore(db);
  store.loadFixture(fixture, 0);
  return { store, statements };
}

/** The statements from the purchase's BEGIN to its COMMIT. */
const purchaseTransaction = (statements: string[]) => {
  const begin = statements.findIndex((sql) => sql.startsWith('BEGIN'));
  const commit = statements.indexOf('COMMIT', begin);
  return statements.slice(begin, commit + 1);
};

describe('the purchase transaction', () => {
  it.each([
    ['a new order', undefined],
    ['a keyed new order', 'k-1'],
  ])('of %s begins IMMEDIATE, before its first read, and holds every step until one COMMIT', (_, idempotencyKey) => {
    const { store, statements } = recordedStore();
    store.rateLimits.hit('key:x', { limit: 10, windowMs: 60_000 }, 0); // a turn is open, as after the API's checks
    statements.length = 0;
    const result = store.purchases.purchase({ keyHash: hashKey('mk_test_a'), accountId: 'a', productId: 'p', quantity: 2, idempotencyKey, reuse: () => 'reject', now: () => 0 }, (o) => JSON.stringify(o));
    expect(result).toHaveProperty('created');
    expect(statements[0]).toBe('COMMIT'); // the turn's, before the purchase began
    const own = purchaseTransaction(statements.slice(1));
    expect(own[0]).toBe('BEGIN IMMEDIATE');
    expect(own.at(-1)).toBe('COMMIT');
    expect(own.filter((sql) => /^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(sql))).toEqual(['BEGIN IMMEDIATE', 'COMMIT']);
    // Every step of the purchase is inside: the product, the balance, the debit, the order, the codes, the stock.
    for (const table of ['FROM products', 'FROM accounts', 'UPDATE accounts', 'INSERT INTO orders', 'UPDATE codes', 'UPDATE products']) {
      expect(own.some((sql) => sql.includes(table)), table).toBe(true);
    }
    expect(statements.slice(1 + own.length)).toEqual([]);
  });
});
