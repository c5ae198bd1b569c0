/**
 * The public API under /api/v1, as a pipeline: the order of checks, the first
 * that fails answers. One named middleware or step per stage, each doing one job.
 *
 *    stage            answers                                        where
 *    0. transaction   (none: stages 2-4 and the reads of the turn's  turnTransaction
 *                     requests share one, answers leave after it
 *                     commits; server/store/turn-transaction.ts)
 *    1. routes        404 NOT_FOUND, 405 METHOD_NOT_ALLOWED          knownRoutes, app-wide (create-app.ts)
 *    2. key           401 NO_KEY / INVALID_KEY, 429 after too many   apiKey
 *                     failed tries from one address
 *    3. suspension    403 FORBIDDEN                                  refuseSuspended
 *    4. rate limit    429 RATE_LIMITED                               rateLimit
 *    5. body          400 VALIDATION (JSON, 16 KiB, PurchaseRequest) jsonBody            POST /purchase only
 *    6. idempotency   400 VALIDATION (malformed Idempotency-Key)     idempotencyKey      POST /purchase only
 *    then the handler; for a purchase, steps 7-11 are ONE `BEGIN IMMEDIATE` transaction of its own,
 *    top to bottom in purchaseSteps (server/store/purchases-store.ts); a replay is read in stage 0's:
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
  api.use('*', turnTransaction(deps)); // 0.
  // 1. routes: knownRoutes has answered 404/405 before this app is reached.
  api.use('*', apiKey(deps)); // 2.
  api.use('*', refuseSuspended()); // 3.
  api.use('*', rateLimit(deps)); // 4.
  api.use(purchaseRoute.path, jsonBody({ schema: PurchaseRequest, maxBytes: MAX_BODY_BYTES })); // 5.
  api.use(purchaseRoute.path, idempotencyKey()); // 6.
  return api
    .openapi(getBalanceRoute, balanceHandler(deps))
    .openapi(listProductsRoute, productsHandler(deps))
    .openapi(purchaseEndpoint, purchaseHandler(deps)); // 7.-11., in one transaction
}
