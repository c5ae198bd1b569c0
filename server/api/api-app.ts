/**
 * The public API under /api/v1, as a pipeline: the order of checks, the first
 * that fails answers. One named middleware or step per stage, each doing one job.
 * Rows without a number are the mock's own (the journal, and fault rules, which
 * fire only when a rule is set through /_mock/faults, --fault or a fixture).
 *
 *    stage            answers                                        where
 *    journal          nothing: records every request below and its   journalStage, app-wide (create-app.ts),
 *                     answer (or the fault that denied it one) in    around everything else
 *                     the turn's transaction; the answer leaves
 *                     after that commits
 *    0. transaction   (none: the faults' reads and takes, stages 2-4 turnTransaction
 *                     and the reads of the turn's requests share one,
 *                     answers leave after it commits;
 *                     server/store/turn-transaction.ts)
 *    1. routes        404 NOT_FOUND, 405 METHOD_NOT_ALLOWED          knownRoutes, app-wide (create-app.ts)
 *    faults           a rule's delay (then on), 5xx, closed or       faultStage
 *                     reset connection, hang; nothing is checked,
 *                     counted against the rate limit or charged
 *    2. key           401 NO_KEY / INVALID_KEY, 429 when the address apiKey
 *                     failed too often and the key is new to it
 *    3. suspension    403 FORBIDDEN                                  refuseSuspended
 *    4. rate limit    429 RATE_LIMITED                               rateLimit
 *    5. body          413 PAYLOAD_TOO_LARGE (over 16 KiB),           jsonBody            POST /purchase only
 *                     400 VALIDATION (JSON, PurchaseRequest)
 *    6. idempotency   400 VALIDATION (malformed Idempotency-Key)     idempotencyKey      POST /purchase only
 *    after commit     registered here, acts after step 11 for a      afterCommitFaults   POST /purchase only
 *                     new order: a rule's 500/502/504, reset or hang
 *                     instead of the answer (the order stays)
 *    then the handler; for a purchase, steps 7-11 are ONE `BEGIN IMMEDIATE` transaction of its own,
 *    top to bottom in purchaseSteps (server/store/purchases-store.ts), which first checks the
 *    key and the account again (a revocation or suspension committed since stages 2-3: 401/403);
 *    a replay is read in stage 0's, after the same check:
 *    7. idempotent replay, or 422 IDEMPOTENCY_KEY_REUSED
 *    8. product       404 PRODUCT_NOT_FOUND
 *    9. stock         409 OUT_OF_STOCK
 *    10. balance      402 INSUFFICIENT_BALANCE
 *    11. success      debit, codes, order, the answer stored for replays
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { getBalanceRoute, listProductsRoute, purchaseRoute } from '../../spec/api-routes.js';
import { PurchaseRequest } from '../../spec/api-schemas.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { errors, zodDetails } from '../errors.js';
import { afterCommitFaults } from '../faults/after-commit.js';
import { faultStage } from '../faults/fault-stage.js';
import { apiKey } from '../middleware/api-key.js';
import { idempotencyKey } from '../middleware/idempotency-key.js';
import { jsonBody } from '../middleware/json-body.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { refuseSuspended } from '../middleware/refuse-suspended.js';
import { turnTransaction } from '../middleware/turn-transaction.js';
import { balanceHandler } from './balance-handler.js';
import { productsHandler } from './products-handler.js';
import { purchaseHandler } from './purchase-handler.js';

/** A purchase body is a few dozen bytes; anything past this is refused before it is read in full. */
export const MAX_BODY_BYTES = 16 * 1024;

// Stages 5 and 6 check the purchase's body and header. Registered with its `request`, the router
// would check them again, the header first; the document (spec/api-routes.ts) still describes both.
const { request: _checkedByStages5And6, ...purchaseEndpoint } = purchaseRoute;

export function createApiApp(deps: AppDeps) {
  const api = new OpenAPIHono<AppEnv>({
    // No route here leaves checks to the router (stages 5-6 do them); should one, it answers alike.
    defaultHook: (result) => {
      if (!result.success) throw errors.validation(zodDetails(result.error));
    },
  });
  // journal, 1. routes: journalStage and knownRoutes run app-wide before this app is reached.
  api.use('*', turnTransaction(deps)); // 0.
  api.use('*', faultStage(deps)); // faults
  api.use('*', apiKey(deps)); // 2.
  api.use('*', refuseSuspended()); // 3.
  api.use('*', rateLimit(deps)); // 4.
  api.use(purchaseRoute.path, jsonBody({ schema: PurchaseRequest, maxBytes: MAX_BODY_BYTES })); // 5.
  api.use(purchaseRoute.path, idempotencyKey()); // 6.
  api.use(purchaseRoute.path, afterCommitFaults(deps)); // after commit: acts once the handler has answered
  return api
    .openapi(getBalanceRoute, balanceHandler(deps))
    .openapi(listProductsRoute, productsHandler(deps))
    .openapi(purchaseEndpoint, purchaseHandler(deps)); // 7.-11., in one transaction
}
