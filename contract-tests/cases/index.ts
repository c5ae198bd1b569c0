/**
 * Every contract case, in one flat list: the registration (cases.contract.ts), the sweep, the dry
 * run, the summary and the self-tests all read this. A case is added to its area's list in
 * cases/<area>.ts; only a new area adds a line here.
 */
import type { ContractCase } from '../lib/contract-case.js';
import { authCases } from './auth.js';
import { balanceCases } from './balance.js';
import { httpLayerCases } from './http-layer.js';
import { concurrencyCases } from './concurrency.js';
import { faultCases } from './faults.js';
import { idempotencyCases } from './idempotency.js';
import { orderOfChecksCases } from './order-of-checks.js';
import { productsCases } from './products.js';
import { purchaseErrorCases } from './purchase-errors.js';
import { purchaseCases } from './purchase.js';
import { rateLimitCases } from './rate-limit.js';
import { routingCases } from './routing.js';

export const CASES: readonly ContractCase[] = [
  ...balanceCases,
  ...productsCases,
  ...authCases,
  ...purchaseCases,
  ...purchaseErrorCases,
  ...idempotencyCases,
  ...rateLimitCases,
  ...concurrencyCases,
  ...routingCases,
  ...httpLayerCases,
  ...orderOfChecksCases,
  ...faultCases,
];

/** The case with this id; throws naming the id when there is none. */
export function caseById(id: string): ContractCase {
  const found = CASES.find((c) => c.id === id);
  if (!found) throw new Error(`no contract case ${id} in contract-tests/cases/`);
  return found;
}
