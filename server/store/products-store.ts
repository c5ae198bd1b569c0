/** Products and their codes. Stock is never stored: it is the number of unsold codes. */
import type { Db } from '../db/open-database.js';

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

export function createProductsStore(db: Db) {
  const select = `SELECT p.id, p.name, p.price_micros,
      (SELECT COUNT(*) FROM codes c WHERE c.product_id = p.id AND c.order_id IS NULL) AS stock,
      (SELECT COUNT(*) FROM codes c WHERE c.product_id = p.id AND c.order_id IS NOT NULL) AS sold
    FROM products p`;
  const all = db.prepare<[], ProductRow>(`${select} ORDER BY p.id`);
  const one = db.prepare<[string], ProductRow>(`${select} WHERE p.id = ?`);
  const upsert = db.prepare(
    'INSERT INTO products (id, name, price_micros) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, price_micros = excluded.price_micros',
  );
  const dropUnsold = db.prepare('DELETE FROM codes WHERE product_id = ? AND order_id IS NULL');
  const insertCode = db.prepare('INSERT INTO codes (product_id, code) VALUES (?, ?)');
  const codeExists = db.prepare<[string], { n: number }>('SELECT 1 AS n FROM codes WHERE code = ?');

  const addCodes = (productId: string, codes: readonly string[]) => {
    for (const code of codes) {
      if (codeExists.get(code)) throw new DuplicateCodeError(code);
      insertCode.run(productId, code);
    }
  };

  return {
    listProducts: () => all.all(),
    getProduct: (id: string) => one.get(id),
    /** Creates or renames/re-prices a product; with codes, its unsold codes are replaced by them. Call inside a transaction. */
    putProduct(product: { id: string; name: string; priceMicros: number; codes?: readonly string[] }) {
      upsert.run(product.id, product.name, product.priceMicros);
      if (product.codes) {
        dropUnsold.run(product.id);
        addCodes(product.id, product.codes);
      }
    },
    /** Adds unsold codes. Call inside a transaction: a duplicate code throws and must undo the rest. */
    addCodes,
  };
}

export type ProductsStore = ReturnType<typeof createProductsStore>;
