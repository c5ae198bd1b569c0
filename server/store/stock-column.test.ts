/**
 * The stock and sold columns of products (migration 3) against the codes they
 * stand for: equal after every kind of write that moves codes, and backfilled
 * when an older database is migrated.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Fixture } from '../../spec/control-schemas.js';
import { migrations } from '../db/migrations.js';
import { migrate, openDatabase, type Db } from '../db/open-database.js';
import { hashKey } from './random-ids.js';
import { createStore, type Store } from './create-store.js';
import { OLDEST_UNSOLD_SQL, type PurchaseInput } from './purchases-store.js';

/** Products whose columns disagree with their codes; [] when all agree. */
const mismatches = (db: Db) =>
  db
    .prepare(
      `SELECT p.id, p.stock, p.sold,
         (SELECT COUNT(*) FROM codes c WHERE c.product_id = p.id AND c.order_id IS NULL) AS unsold_codes,
         (SELECT COUNT(*) FROM codes c WHERE c.product_id = p.id AND c.order_id IS NOT NULL) AS sold_codes
       FROM products p WHERE p.stock != unsold_codes OR p.sold != sold_codes`,
    )
    .all();

const fixture: Fixture = {
  accounts: [{ id: 'a', balance: 1000, status: 'active', keys: [{ key: 'mk_test_a', revoked: false }] }],
  products: [
    { id: 'p', name: 'P', price: 1, stock: 30 },
    { id: 'q', name: 'Q', price: 2, codes: ['Q-1', 'Q-2', 'Q-3'] },
  ],
};

const buy = (store: Store, productId: string, quantity: number, extra: Partial<PurchaseInput> = {}) =>
  store.purchases.purchase({ keyHash: hashKey('mk_test_a'), accountId: 'a', productId, quantity, reuse: () => 'reject', now: () => 0, ...extra }, (order) => JSON.stringify(order));

const productOf = (store: Store, id: string) => store.products.getProduct(id);

describe('the stock and sold columns', () => {
  it('equal the unsold and sold codes after fixture loads, purchases, refusals, restocks, product puts and resets', () => {
    const store = createStore(openDatabase(':memory:'));
    const check = () => expect(mismatches(store.db)).toEqual([]);
    store.seedFixture(fixture, 0);
    check();
    expect(productOf(store, 'p')).toMatchObject({ stock: 30, sold: 0 });

    for (const quantity of [1, 10, 3]) expect(buy(store, 'p', quantity)).toHaveProperty('created');
    expect(buy(store, 'q', 4)).toMatchObject({ refused: 'out_of_stock', stock: 3 });
    expect(buy(store, 'q', 3, { idempotencyKey: 'k' })).toHaveProperty('created');
    expect(buy(store, 'q', 3, { idempotencyKey: 'k' })).toHaveProperty('replayed');
    check();
    expect(productOf(store, 'p')).toMatchObject({ stock: 16, sold: 14 });
    expect(productOf(store, 'q')).toMatchObject({ stock: 0, sold: 3 });

    store.transaction(() => store.products.addCodes('q', ['Q-4', 'Q-5']));
    store.transaction(() => store.products.putProduct({ id: 'p', name: 'P2', priceMicros: 5, codes: ['P-NEW'] }));
    store.transaction(() => store.products.putProduct({ id: 'r', name: 'R', priceMicros: 5 }));
    store.transaction(() => store.products.putProduct({ id: 'q', name: 'Q2', priceMicros: 7 }));
    check();
    expect(productOf(store, 'p')).toMatchObject({ stock: 1, sold: 14 });
    expect(productOf(store, 'q')).toMatchObject({ stock: 2, sold: 3 });
    expect(productOf(store, 'r')).toMatchObject({ stock: 0, sold: 0 });

    // A duplicate code undoes the whole write, column included.
    expect(() => store.transaction(() => store.products.addCodes('q', ['Q-6', 'Q-1']))).toThrow(/already in the store/);
    check();
    expect(productOf(store, 'q')).toMatchObject({ stock: 2 });

    store.resetToFixture(0);
    check();
    expect(productOf(store, 'p')).toMatchObject({ stock: 30, sold: 0 });
    store.loadFixture({ ...fixture, products: [{ id: 'z', name: 'Z', price: 1, stock: 7 }] }, 0);
    check();
    expect(store.products.listProducts().map((p) => [p.id, p.stock, p.sold])).toEqual([['z', 7, 0]]);
  });

  it('are backfilled from the codes when a database from before them is migrated', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 2));
    db.exec(`INSERT INTO accounts VALUES ('a', 'active', 0, 0);
             INSERT INTO products VALUES ('p', 'P', 1), ('e', 'Empty', 1);
             INSERT INTO orders VALUES ('o', 'a', 'p', 2, 2, NULL, 0);
             INSERT INTO codes (product_id, code, order_id) VALUES ('p', 'c1', 'o'), ('p', 'c2', 'o'), ('p', 'c3', NULL), ('p', 'c4', NULL), ('p', 'c5', NULL);`);
    migrate(db);
    expect(db.prepare('SELECT id, stock, sold FROM products ORDER BY id').all()).toEqual([
      { id: 'e', stock: 0, sold: 0 },
      { id: 'p', stock: 3, sold: 2 },
    ]);
    expect(mismatches(db)).toEqual([]);
  });

  it('a purchase takes its codes through the codes_unsold index, never scanning the codes', () => {
    const db = openDatabase(':memory:');
    const plan = db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${OLDEST_UNSOLD_SQL}`).all('p', 1).map((row) => row.detail);
    expect(plan).toEqual([expect.stringMatching(/^SEARCH codes USING (COVERING )?INDEX codes_unsold \(product_id=\?\)$/)]);
    expect(plan.filter((detail) => detail.startsWith('SCAN'))).toEqual([]);
  });
});
