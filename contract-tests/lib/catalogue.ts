/**
 * The registry of contract cases: what each covers (operation, status, error code), what it
 * needs, how many public API requests it sends and how much it may spend on a live account.
 * The sweep test holds it against spec/openapi.yaml; the dry run and the summary read it.
 * Case bodies live in cases/*.ts and refer to these ids.
 */
import type { OperationId } from './api-types.js';

/** An answer a case provokes and checks. `operation` '*' is any path (routing errors). */
export interface Outcome {
  operation: OperationId | '*';
  status: number;
  code?: string;
}

export interface CaseEntry {
  id: string;
  title: string;
  /** The file under cases/ that registers it (without .contract.ts). */
  file: string;
  covers: Outcome[];
  /** Most public API requests it sends on a live target. */
  requests: number;
  /** Why it cannot run against the live API (state only the store's bot can make, a mock extension…). */
  mockOnly?: string;
  /** Worst-case units of the chosen product it may pay for on a live target (0: free). */
  spendUnits?: number;
  /** Runs against the live API only when asked for. */
  liveOptIn?: 'rate-limit';
  /** Seconds it waits on a live target beyond pacing. */
  waitSeconds?: number;
  /** false: needs no API key (auth failures). */
  needsKey?: boolean;
}

const each = (status: number, code: string): Outcome[] =>
  (['getBalance', 'listProducts', 'purchase'] as const).map((operation) => ({ operation, status, code }));

export const CATALOGUE: readonly CaseEntry[] = [
  {
    id: 'balance.ok',
    title: 'GET /balance returns the wallet in USDT, to the micro-unit',
    file: 'balance',
    covers: [{ operation: 'getBalance', status: 200 }],
    requests: 1,
  },
  {
    id: 'products.ok',
    title: 'GET /products lists price, stock and in_stock = stock > 0',
    file: 'products',
    covers: [{ operation: 'listProducts', status: 200 }],
    requests: 1,
  },
  {
    id: 'auth.no-key',
    title: 'no X-API-Key: 401 NO_KEY on every endpoint',
    file: 'auth',
    covers: each(401, 'NO_KEY'),
    requests: 3,
    needsKey: false,
  },
  {
    id: 'auth.invalid-key',
    title: 'unknown or malformed key: 401 INVALID_KEY on every endpoint',
    file: 'auth',
    covers: each(401, 'INVALID_KEY'),
    requests: 4,
    needsKey: false,
  },
  {
    id: 'auth.revoked-key',
    title: 'a revoked key: 401 INVALID_KEY, nothing charged',
    file: 'auth',
    covers: [
      { operation: 'getBalance', status: 401, code: 'INVALID_KEY' },
      { operation: 'purchase', status: 401, code: 'INVALID_KEY' },
    ],
    requests: 3,
    mockOnly: 'needs a revoked key, which only the store bot can make',
  },
  {
    id: 'auth.suspended',
    title: 'a suspended account: 403 FORBIDDEN on every endpoint, nothing charged',
    file: 'auth',
    covers: each(403, 'FORBIDDEN'),
    requests: 4,
    mockOnly: 'needs a suspended account, which only the store can make',
  },
  {
    id: 'purchase.ok',
    title: 'a purchase returns one distinct code per unit and balance_remaining = balance − price × quantity, exactly',
    file: 'purchase',
    covers: [{ operation: 'purchase', status: 200 }],
    requests: 4,
    spendUnits: 1,
  },
  {
    id: 'purchase.quantity-bounds',
    title: 'quantity 1 and 10 are accepted, 0 and 11 are VALIDATION',
    file: 'purchase',
    covers: [
      { operation: 'purchase', status: 200 },
      { operation: 'purchase', status: 400, code: 'VALIDATION' },
    ],
    requests: 7,
    spendUnits: 11,
  },
  {
    id: 'purchase.money-exact',
    title: 'ten purchases of 0.10 from 1.00 leave exactly 0, the eleventh is INSUFFICIENT_BALANCE',
    file: 'purchase',
    covers: [
      { operation: 'purchase', status: 200 },
      { operation: 'purchase', status: 402, code: 'INSUFFICIENT_BALANCE' },
    ],
    requests: 13,
    mockOnly: 'needs a wallet holding exactly 1.00 USDT',
  },
  {
    id: 'purchase.stock-and-codes',
    title: 'stock goes down by the quantity; codes are distinct and never seen before',
    file: 'purchase',
    covers: [{ operation: 'purchase', status: 200 }],
    requests: 5,
    spendUnits: 2,
  },
  {
    id: 'purchase.validation',
    title: 'malformed bodies and bad fields: 400 VALIDATION, nothing charged',
    file: 'purchase-errors',
    covers: [{ operation: 'purchase', status: 400, code: 'VALIDATION' }],
    requests: 17,
  },
  {
    id: 'purchase.bad-idempotency-key',
    title: 'an Idempotency-Key over 255 characters: 400 VALIDATION',
    file: 'purchase-errors',
    covers: [{ operation: 'purchase', status: 400, code: 'VALIDATION' }],
    requests: 4,
  },
  {
    id: 'purchase.product-not-found',
    title: 'an unknown product_id: 404 PRODUCT_NOT_FOUND, nothing charged',
    file: 'purchase-errors',
    covers: [{ operation: 'purchase', status: 404, code: 'PRODUCT_NOT_FOUND' }],
    requests: 4,
  },
  {
    id: 'purchase.out-of-stock',
    title: 'more than the stock: 409 OUT_OF_STOCK with requested and stock, nothing charged or taken',
    file: 'purchase-errors',
    covers: [{ operation: 'purchase', status: 409, code: 'OUT_OF_STOCK' }],
    requests: 4,
  },
  {
    id: 'purchase.insufficient-balance',
    title: 'price × quantity over the balance: 402 INSUFFICIENT_BALANCE with required and available',
    file: 'purchase-errors',
    covers: [{ operation: 'purchase', status: 402, code: 'INSUFFICIENT_BALANCE' }],
    requests: 4,
  },
  {
    id: 'idempotency.retry',
    title: 'same Idempotency-Key, same body: the same order, one charge, stock taken once',
    file: 'idempotency',
    covers: [{ operation: 'purchase', status: 200 }],
    requests: 6,
    spendUnits: 2,
  },
  {
    id: 'idempotency.expiry',
    title: 'an Idempotency-Key is forgotten after 24 hours',
    file: 'idempotency',
    covers: [{ operation: 'purchase', status: 200 }],
    requests: 5,
    mockOnly: 'needs 24 hours to pass (the mock moves its virtual clock)',
  },
  {
    id: 'idempotency.failed-not-stored',
    title: 'a failed purchase is not stored: the retry after a top-up goes through',
    file: 'idempotency',
    covers: [
      { operation: 'purchase', status: 402, code: 'INSUFFICIENT_BALANCE' },
      { operation: 'purchase', status: 200 },
    ],
    requests: 3,
    mockOnly: 'needs a top-up between the two tries, which only the store bot can do',
  },
  {
    id: 'idempotency.key-reused',
    title: 'same Idempotency-Key, other body: 422 IDEMPOTENCY_KEY_REUSED (or a replay when so configured)',
    file: 'idempotency',
    covers: [{ operation: 'purchase', status: 422, code: 'IDEMPOTENCY_KEY_REUSED' }],
    requests: 4,
    mockOnly: 'IDEMPOTENCY_KEY_REUSED is a mock extension the live API does not promise',
  },
  {
    id: 'rate-limit.window',
    title: 'request 21 in a window gets 429 with retry_after_seconds = Retry-After; after that wait it succeeds',
    file: 'rate-limit',
    covers: [{ operation: 'getBalance', status: 200 }, ...each(429, 'RATE_LIMITED')],
    requests: 24,
    liveOptIn: 'rate-limit',
    waitSeconds: 125,
  },
  {
    id: 'rate-limit.failed-auth',
    title: 'failed logins are limited per client address: the 21st gets 429',
    file: 'rate-limit',
    covers: [
      { operation: 'getBalance', status: 401, code: 'INVALID_KEY' },
      { operation: 'getBalance', status: 429, code: 'RATE_LIMITED' },
    ],
    requests: 22,
    needsKey: false,
    mockOnly: 'floods failed logins; the live API would lock this address out for a while',
  },
  {
    id: 'concurrency.idempotent-parallel',
    title: 'parallel purchases with one Idempotency-Key charge once',
    file: 'concurrency',
    covers: [{ operation: 'purchase', status: 200 }],
    requests: 7,
    spendUnits: 3,
  },
  {
    id: 'concurrency.low-stock',
    title: 'parallel purchases on a low stock never oversell',
    file: 'concurrency',
    covers: [
      { operation: 'purchase', status: 200 },
      { operation: 'purchase', status: 409, code: 'OUT_OF_STOCK' },
    ],
    requests: 14,
    mockOnly: 'needs a product with a small stock the suite controls; on live it would buy out a real product',
  },
  {
    id: 'routing.mock-extensions',
    title: 'unknown path: 404 NOT_FOUND; wrong method: 405 METHOD_NOT_ALLOWED (JSON errors)',
    file: 'routing',
    covers: [
      { operation: '*', status: 404, code: 'NOT_FOUND' },
      { operation: '*', status: 405, code: 'METHOD_NOT_ALLOWED' },
    ],
    requests: 2,
    mockOnly: 'NOT_FOUND and METHOD_NOT_ALLOWED are mock extensions the live API does not promise',
  },
  {
    id: 'faults.server-errors',
    title: 'fault rules: 500, 502, 503 and 504 in the error shape on every endpoint; a purchase whose answer was lost is replayed, charged once',
    file: 'faults',
    covers: [
      ...each(500, 'INTERNAL_ERROR'),
      ...each(502, 'UPSTREAM_ERROR'),
      ...each(503, 'SERVICE_UNAVAILABLE'),
      ...each(504, 'UPSTREAM_TIMEOUT'),
      { operation: 'purchase', status: 200 },
    ],
    requests: 15,
    mockOnly: 'fault rules are a sandbox tool; the live API fails only when it really fails',
  },
  {
    id: 'checks.order',
    title: 'the first failing check answers: routing, key, suspension, body, replay, product, stock, balance',
    file: 'order-of-checks',
    covers: [
      { operation: '*', status: 404, code: 'NOT_FOUND' },
      { operation: '*', status: 405, code: 'METHOD_NOT_ALLOWED' },
      { operation: 'purchase', status: 403, code: 'FORBIDDEN' },
      { operation: 'purchase', status: 400, code: 'VALIDATION' },
      { operation: 'purchase', status: 409, code: 'OUT_OF_STOCK' },
      { operation: 'purchase', status: 200 },
    ],
    requests: 7,
    mockOnly: 'the order of checks is a sandbox decision; the live documentation does not fix it',
  },
];

export function catalogueEntry(id: string): CaseEntry {
  const entry = CATALOGUE.find((e) => e.id === id);
  if (!entry) throw new Error(`case ${id} is not in contract-tests/lib/catalogue.ts`);
  return entry;
}

export const outcomeKey = (o: Outcome): string => `${o.operation} ${o.status}${o.code ? ` ${o.code}` : ''}`;
