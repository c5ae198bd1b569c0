/**
 * Journal entries for the report's tests, written like a script of what a client did:
 * `j.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: 'o-1', status: 0, fault: 'reset_before' })`,
 * `j.wait(61)`. Ids count up from 1 and the virtual time only moves on `wait`.
 */
import type { JournalEntry, JournalOperation } from '../journal/journal-entry.js';

export const SCRIPT_START = Date.parse('2026-11-24T00:00:00.000Z');

/** Who sent a request; alice's key by default. */
export interface Sender {
  accountId?: string | null;
  keyPrefix?: string | null;
}

export type EntryFields = Sender & Partial<Omit<JournalEntry, 'id' | 'at'>>;

const ERROR_STATUS: Record<string, number> = {
  NO_KEY: 401,
  INVALID_KEY: 401,
  VALIDATION: 400,
  INSUFFICIENT_BALANCE: 402,
  FORBIDDEN: 403,
  PRODUCT_NOT_FOUND: 404,
  OUT_OF_STOCK: 409,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
};

const PATHS: Record<JournalOperation, { method: string; path: string }> = {
  getBalance: { method: 'GET', path: '/api/v1/balance' },
  listProducts: { method: 'GET', path: '/api/v1/products' },
  purchase: { method: 'POST', path: '/api/v1/purchase' },
};

export function journalScript(start = SCRIPT_START) {
  const entries: JournalEntry[] = [];
  let now = start;
  let orders = 0;

  const add = (operation: JournalOperation | null, fields: EntryFields): number => {
    const errorCode = fields.errorCode ?? null;
    const status = fields.status ?? (errorCode ? (ERROR_STATUS[errorCode] ?? 400) : 200);
    const entry: JournalEntry = {
      id: entries.length + 1,
      at: now,
      ...(operation ? PATHS[operation] : { method: 'GET', path: '/api/v1/nothing' }),
      operation,
      accountId: 'alice',
      keyPrefix: 'mk_test_al',
      keyHash: null,
      idempotencyKey: null,
      requestBody: null,
      errorCode,
      responseBody: errorCode ? JSON.stringify({ success: false, code: errorCode, error: errorCode }) : '{}',
      latencyMs: 1,
      fault: null,
      orderId: null,
      replayed: false,
      ...fields,
      status,
    };
    if (status === 0 && fields.responseBody === undefined) entry.responseBody = null;
    // One key per prefix unless a test says otherwise (keyHash: two keys that share a prefix).
    if (fields.keyHash === undefined) entry.keyHash = entry.keyPrefix === null ? null : `hash of ${entry.keyPrefix}`;
    entries.push(entry);
    return entry.id;
  };

  return {
    entries,
    /** Moves the virtual clock forward. */
    wait(seconds: number) {
      now += seconds * 1000;
    },
    balance: (fields: EntryFields = {}) => add('getBalance', fields),
    products: (fields: EntryFields = {}) => add('listProducts', fields),
    /** A purchase; a 200 gets a new order id unless one is given. A null body: none kept (one over 16 KiB). */
    purchase(body: { product_id: string; quantity: unknown } | string | null, fields: EntryFields = {}) {
      const requestBody = body === null || typeof body === 'string' ? body : JSON.stringify(body);
      const succeeded = (fields.status ?? (fields.errorCode ? 400 : 200)) === 200 || fields.fault?.startsWith('after_commit_');
      const orderId = fields.orderId !== undefined ? fields.orderId : succeeded && !fields.replayed ? `ord_${++orders}` : null;
      return add('purchase', { requestBody, orderId, ...fields });
    },
    /** A 429 answered with this retry_after_seconds. */
    rateLimited(operation: JournalOperation, retryAfterSeconds: number, fields: EntryFields = {}) {
      return add(operation, {
        errorCode: 'RATE_LIMITED',
        responseBody: JSON.stringify({ success: false, code: 'RATE_LIMITED', error: 'Rate limit exceeded.', retry_after_seconds: retryAfterSeconds }),
        ...fields,
      });
    },
    /** A request to a path the API does not have (404 NOT_FOUND, no operation). */
    unknownPath: (fields: EntryFields = {}) => add(null, { errorCode: 'NOT_FOUND', status: 404, ...fields }),
  };
}

export type JournalScript = ReturnType<typeof journalScript>;

export const bob: Sender = { accountId: 'bob', keyPrefix: 'mk_test_bo' };
export const revoked: Sender = { accountId: null, keyPrefix: 'mk_test_re' };
export const suspended: Sender = { accountId: 'suspended', keyPrefix: 'mk_test_su' };

/** An integration that does everything right, and meets every documented error code and a fault. */
export function cleanIntegration(): JournalScript {
  const j = journalScript();
  j.balance();
  j.products();
  j.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: 'order-1' });
  j.wait(1);
  j.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: 'order-2', status: 0, fault: 'after_commit_reset', orderId: 'ord_9' });
  j.wait(2);
  j.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: 'order-2', orderId: 'ord_9', replayed: true });
  j.purchase({ product_id: '005', quantity: 1 }, { idempotencyKey: 'order-3', errorCode: 'INSUFFICIENT_BALANCE' });
  j.purchase({ product_id: '003', quantity: 1 }, { idempotencyKey: 'order-4', errorCode: 'OUT_OF_STOCK' });
  j.purchase({ product_id: '002', quantity: 11 }, { idempotencyKey: 'order-5', errorCode: 'VALIDATION' });
  j.purchase({ product_id: '999', quantity: 1 }, { idempotencyKey: 'order-6', errorCode: 'PRODUCT_NOT_FOUND' });
  j.products();
  j.rateLimited('purchase', 30, { idempotencyKey: 'order-7', requestBody: '{"product_id":"001","quantity":1}' });
  j.wait(30);
  j.purchase({ product_id: '001', quantity: 1 }, { idempotencyKey: 'order-7' });
  j.balance({ accountId: null, keyPrefix: null, errorCode: 'NO_KEY' });
  j.balance({ ...revoked, errorCode: 'INVALID_KEY' });
  j.balance({ ...suspended, errorCode: 'FORBIDDEN' });
  j.balance(bob);
  return j;
}

/** An integration that makes most of the mistakes the report knows. */
export function carelessIntegration(): JournalScript {
  const j = journalScript();
  j.purchase({ product_id: '002', quantity: 1 }, { status: 0, fault: 'after_commit_reset' }); // no key, committed
  j.purchase({ product_id: '002', quantity: 1 }); // retried without a key: charged twice
  j.purchase({ product_id: '004', quantity: 1 }, { idempotencyKey: 'k', status: 0, fault: 'after_commit_hang' }); // never retried
  j.purchase({ product_id: '001', quantity: 1 }, { idempotencyKey: 'k', errorCode: 'IDEMPOTENCY_KEY_REUSED' });
  j.rateLimited('getBalance', 60);
  j.balance(); // too early
  j.purchase({ product_id: '005', quantity: 1 }, { idempotencyKey: 'w', errorCode: 'INSUFFICIENT_BALANCE' });
  j.purchase({ product_id: '005', quantity: 1 }, { idempotencyKey: 'w', errorCode: 'INSUFFICIENT_BALANCE' });
  j.balance({ ...revoked, errorCode: 'INVALID_KEY' });
  j.balance({ ...revoked, errorCode: 'INVALID_KEY' });
  return j;
}
