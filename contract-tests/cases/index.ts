/** Every case body, by the file that registers it (cases/<file>.contract.ts). The sweep reads this. */
import type { ContractCase } from '../lib/case-kit.js';
import { AUTH_CASES } from './auth.js';
import { BALANCE_CASES } from './balance.js';
import { CONCURRENCY_CASES } from './concurrency.js';
import { FAULT_CASES } from './faults.js';
import { IDEMPOTENCY_CASES } from './idempotency.js';
import { ORDER_OF_CHECKS_CASES } from './order-of-checks.js';
import { PRODUCTS_CASES } from './products.js';
import { PURCHASE_ERROR_CASES } from './purchase-errors.js';
import { PURCHASE_CASES } from './purchase.js';
import { RATE_LIMIT_CASES } from './rate-limit.js';
import { ROUTING_CASES } from './routing.js';

export const CASES_BY_FILE: Record<string, ContractCase[]> = {
  balance: BALANCE_CASES,
  products: PRODUCTS_CASES,
  auth: AUTH_CASES,
  purchase: PURCHASE_CASES,
  'purchase-errors': PURCHASE_ERROR_CASES,
  idempotency: IDEMPOTENCY_CASES,
  'rate-limit': RATE_LIMIT_CASES,
  concurrency: CONCURRENCY_CASES,
  routing: ROUTING_CASES,
  'order-of-checks': ORDER_OF_CHECKS_CASES,
  faults: FAULT_CASES,
};
