/**
 * Products and their codes. A product's `stock` (its unsold codes) and `sold` are
 * columns kept in step with its codes by every write here and by the purchase, in
 * the same transaction, so reading them never counts codes.
 */
import type { Db } from '../db/open-database.js';
import type { ChangeWatch } from './change-watch.js';

export interface ProductRow {
  id: string;
  name: string;
  price_micros: number;
  stock: number;
  sold: number;
}

/** A code already in the store (codes are unique, ever); thrown so that the transaction it is in rolls back. */
export class DuplicateCodeError extends Error {
  constructor(readonly code: string) {
    super(`code "${code}" is already in the store`);
  }
}

export function createProductsStore(db: Db, changes: ChangeWatch) {
  // Own changes to the list no other write of this process reports: purchases moving stock.
  let moved = 0;
  const all = db.prepare<[], ProductRow>('SELECT id, name, price_micros, stock, sold FROM products ORDER BY id');
  const one = db.prepare<[string], ProductRow>('SELECT id, name, price_micros, stock, sold FROM products WHERE id = ?');
  const upsert = db.prepare(
    'INSERT INTO products (id, name, price_micros) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, price_micros = excluded.price_micros',
  );
  const dropUnsold = db.prepare('DELETE FROM codes WHERE product_id = ? AND order_id IS NULL');
  const insertCode = db.prepare('INSERT INTO codes (product_id, code) VALUES (?, ?)');
  const codeExists = db.prepare<[string], { n: number }>('SELECT 1 AS n FROM codes WHERE code = ?');
  const setStock = db.prepare('UPDATE products SET stock = ? WHERE id = ?');
  const addStock = db.prepare('UPDATE products SET stock = stock + ? WHERE id = ?');

  const insertCodes = (productId: string, codes: readonly string[]) => {
    for (const code of codes) {
      if (codeExists.get(code)) throw new DuplicateCodeError(code);
      insertCode.run(productId, code);
    }
  };

  return {
    listProducts: () => all.all(),
    /**
     * Changes whenever listProducts may answer differently: another process committed, this
     * one wrote (a control write, a purchase). Both counters only grow, so their sum moves
     * whenever either does. For caches of what is made from the list (GET /products).
     */
    listVersion: () => changes.version + moved,
    /** A purchase moved stock (the purchases store calls it). */
    stockMoved: () => void moved++,
    getProduct: (id: string) => one.get(id),
    /** Creates or renames/re-prices a product; with codes, its unsold codes are replaced by them. Call inside a transaction. */
    putProduct(product: { id: string; name: string; priceMicros: number; codes?: readonly string[] }) {
      upsert.run(product.id, product.name, product.priceMicros);
      if (product.codes) {
        dropUnsold.run(product.id);
        insertCodes(product.id, product.codes);
        setStock.run(product.codes.length, product.id);
      }
    },
    /** Adds unsold codes. Call inside a transaction: a duplicate code throws and must undo the rest. */
    addCodes(productId: string, codes: readonly string[]) {
      insertCodes(productId, codes);
      addStock.run(codes.length, productId);
    },
  };
}

export type ProductsStore = ReturnType<typeof createProductsStore>;
