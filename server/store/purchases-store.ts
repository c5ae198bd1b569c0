/**
 * The purchase: steps 7-11 of the API's order of checks (server/api/api-app.ts),
 * top to bottom in purchaseSteps, all in one IMMEDIATE transaction. Immediate
 * takes the database's write lock before the first read, so two requests (in
 * this process or in another process on the same file) can never both see the
 * same stock, balance or missing idempotency record: no double charge, no
 * oversell, no code twice. The store says what happened; the handler renders HTTP.
 *
 * The transaction is its own, never the API's shared turn transaction
 * (turn-transaction.ts), which it commits first. Only a replay can be answered from
 * the turn's transaction (`storedAnswer`): step 7 read alone, under the same write
 * lock; a stored answer never changes, so nothing needs to be written or held for it.
 */
import type { Db } from '../db/open-database.js';
import { newOrderId } from './random-ids.js';
import type { TurnTransaction } from './turn-transaction.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The product's oldest unsold codes. Through the partial index codes_unsold: a search, not
 * a scan, however many codes the product has sold or holds (a test checks the plan).
 */
export const OLDEST_UNSOLD_SQL = 'SELECT seq FROM codes WHERE product_id = ? AND order_id IS NULL ORDER BY seq LIMIT ?';

export interface PurchaseInput {
  /** The caller's key (its hash) and account, as the key stage found them; checked again inside. */
  keyHash: string;
  accountId: string;
  productId: string;
  quantity: number;
  idempotencyKey?: string;
  /**
   * Read inside the transaction, so a concurrent settings change or clock move is wholly before or after it.
   * 'reject': a reused key with another body is refused; 'replay': it gets the stored answer.
   */
  reuse: () => 'reject' | 'replay';
  now: () => number;
}

/** A purchase that went through. */
export interface CompletedOrder {
  orderId: string;
  codes: string[];
  balanceRemainingMicros: number;
}

/** Why a purchase was refused; nothing was charged, taken or recorded. */
export type PurchaseRefusal =
  | { refused: 'key_revoked' }
  | { refused: 'account_suspended' }
  | { refused: 'idempotency_key_reused'; idempotencyKey: string }
  | { refused: 'product_not_found' }
  | { refused: 'out_of_stock'; requested: number; stock: number }
  | { refused: 'insufficient_balance'; requiredMicros: number; availableMicros: number };

/**
 * What happened: a new order with its answer as rendered, a replay of the answer
 * stored for the Idempotency-Key, or a refusal.
 */
export type PurchaseResult<Answer extends string> = { created: CompletedOrder; answer: Answer } | { replayed: Answer } | PurchaseRefusal;

export interface OrderRow {
  id: string;
  account_id: string;
  product_id: string;
  quantity: number;
  total_micros: number;
  idempotency_key: string | null;
  created_at: number;
}

/**
 * `look` (change-watch.ts) runs first inside the purchase's transaction: the settings and the clock it reads
 * there are as committed when it took the write lock, never a cache from before another process's change.
 */
export function createPurchasesStore(db: Db, turn?: TurnTransaction, stockMoved: () => void = () => {}, look: () => void = () => {}) {
  const record = db.prepare<[string, string], { fingerprint: string; status: number; body: string; created_at: number }>(
    'SELECT fingerprint, status, body, created_at FROM idempotency_records WHERE account_id = ? AND idempotency_key = ?',
  );
  const forgetExpired = db.prepare('DELETE FROM idempotency_records WHERE created_at <= ?');
  const remember = db.prepare(
    'INSERT INTO idempotency_records (account_id, idempotency_key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const account = db.prepare<[string], { balance_micros: number }>('SELECT balance_micros FROM accounts WHERE id = ?');
  // A subquery, not a JOIN: with a bound key hash, SQLite (better-sqlite3's build) compiles the JOIN
  // again on every run (measured 9 µs against 1 µs), and every purchase and replay asks this.
  const caller = db.prepare<[string], { revoked: 0 | 1; status: string }>(
    'SELECT k.revoked, (SELECT a.status FROM accounts a WHERE a.id = k.account_id) AS status FROM api_keys k WHERE k.key_hash = ?',
  );
  const product = db.prepare<[string], { price_micros: number; stock: number }>('SELECT price_micros, stock FROM products WHERE id = ?');
  const takeStock = db.prepare('UPDATE products SET stock = stock - ?, sold = sold + ? WHERE id = ? AND stock >= ?');
  const debit = db.prepare('UPDATE accounts SET balance_micros = balance_micros - ? WHERE id = ? AND balance_micros >= ?');
  const insertOrder = db.prepare(
    'INSERT INTO orders (id, account_id, product_id, quantity, total_micros, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const oldestUnsold = db.prepare<[string, number], number>(OLDEST_UNSOLD_SQL).pluck();
  // One UPDATE per code (at most 10) measured twice as fast as one UPDATE ... WHERE seq IN (subquery).
  const giveCode = db.prepare<[string, number], string>('UPDATE codes SET order_id = ? WHERE seq = ? AND order_id IS NULL RETURNING code').pluck();
  const orders = db.prepare<[], OrderRow>('SELECT * FROM orders ORDER BY created_at, id');
  const codesOf = db.prepare<[string], { code: string }>('SELECT code FROM codes WHERE order_id = ? ORDER BY seq');

  const fingerprintOf = (input: PurchaseInput) => JSON.stringify([input.productId, input.quantity]);

  /**
   * Stages 2 and 3 read the key and the account before the purchase's transaction (or the turn's
   * that answers a replay); a key revoked or an account suspended since then is refused as those
   * stages would, so nothing is charged or replayed after the revocation or suspension committed.
   */
  const callerRefusal = (input: PurchaseInput): PurchaseRefusal | undefined => {
    const current = caller.get(input.keyHash);
    if (!current || current.revoked === 1) return { refused: 'key_revoked' };
    if (current.status === 'suspended') return { refused: 'account_suspended' };
    return undefined;
  };

  /** Step 7 read: the stored answer to replay, or the refusal of another body; undefined when none is stored for the key. */
  const storedAnswer = <Answer extends string>(input: PurchaseInput, idempotencyKey: string, time: number): PurchaseResult<Answer> | undefined => {
    const stored = record.get(input.accountId, idempotencyKey);
    if (!stored || stored.created_at <= time - IDEMPOTENCY_TTL_MS) return undefined;
    if (stored.fingerprint !== fingerprintOf(input) && input.reuse() === 'reject') {
      return { refused: 'idempotency_key_reused', idempotencyKey };
    }
    // Stored by step 11 from render's own output (render is the one purchase answer).
    return { replayed: stored.body as Answer };
  };

  /** Steps 7-11, in order; the first that refuses answers. Runs inside the transaction only. */
  const purchaseSteps = <Answer extends string>(input: PurchaseInput, render: (order: CompletedOrder) => Answer): PurchaseResult<Answer> => {
    look();
    const refusal = callerRefusal(input);
    if (refusal) return refusal;
    const time = input.now();
    // 7. Idempotent replay: the answer stored for this key goes out again; another body with it is refused.
    if (input.idempotencyKey !== undefined) {
      forgetExpired.run(time - IDEMPOTENCY_TTL_MS);
      const early = storedAnswer<Answer>(input, input.idempotencyKey, time);
      if (early) return early;
    }
    // 8. Product.
    const found = product.get(input.productId);
    if (!found) return { refused: 'product_not_found' };
    // 9. Stock.
    if (input.quantity > found.stock) return { refused: 'out_of_stock', requested: input.quantity, stock: found.stock };
    // 10. Balance.
    const total = found.price_micros * input.quantity;
    const balance = account.get(input.accountId)!.balance_micros;
    if (total > balance) return { refused: 'insufficient_balance', requiredMicros: total, availableMicros: balance };
    // 11. Success: debit, order, codes, and the answer's bytes remembered for a replay.
    const orderId = newOrderId();
    // The WHERE guard makes the debit refuse to go below zero even if a check above were ever wrong.
    if (debit.run(total, input.accountId, total).changes !== 1) throw new Error('debit refused: balance changed inside a write transaction');
    insertOrder.run(orderId, input.accountId, input.productId, input.quantity, total, input.idempotencyKey ?? null, time);
    const codes = oldestUnsold.all(input.productId, input.quantity).flatMap((seq) => giveCode.all(orderId, seq));
    // Like the debit's, the guards make a wrong stock column fail the purchase rather than sell what is not there.
    if (codes.length !== input.quantity || takeStock.run(input.quantity, input.quantity, input.productId, input.quantity).changes !== 1) {
      throw new Error('stock column and unsold codes disagree inside a write transaction');
    }
    const order: CompletedOrder = { orderId, codes, balanceRemainingMicros: balance - total };
    const answer = render(order);
    if (input.idempotencyKey !== undefined) {
      remember.run(input.accountId, input.idempotencyKey, fingerprintOf(input), 200, answer, time);
    }
    return { created: order, answer };
  };

  const inOneTransaction = db.transaction(purchaseSteps);

  return {
    /**
     * Step 7 alone, read in the turn's transaction: the stored answer to replay, or the refusal
     * of another body with the key; undefined when the purchase must run (`purchase`).
     */
    storedAnswer<Answer extends string>(input: PurchaseInput): PurchaseResult<Answer> | undefined {
      if (input.idempotencyKey === undefined) return undefined;
      turn?.enter();
      // In the turn's transaction, which holds the write lock: the key and account checked
      // again, then the record, as inside a purchase's own transaction.
      return callerRefusal(input) ?? storedAnswer<Answer>(input, input.idempotencyKey, input.now());
    },
    /**
     * One purchase, atomically, in a transaction of its own (the turn's, if open, is committed
     * first); a thrown error rolls everything back. `render` turns the new order into the
     * answer's bytes inside the transaction, so a replay sends exactly them.
     */
    purchase<Answer extends string>(input: PurchaseInput, render: (order: CompletedOrder) => Answer): PurchaseResult<Answer> {
      turn?.flush();
      const result = inOneTransaction.immediate(input, render) as PurchaseResult<Answer>;
      if ('created' in result) stockMoved();
      return result;
    },
    listOrders: () => orders.all().map((order) => ({ ...order, codes: codesOf.all(order.id).map((row) => row.code) })),
  };
}

export type PurchasesStore = ReturnType<typeof createPurchasesStore>;
