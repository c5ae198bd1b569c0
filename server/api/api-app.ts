/**
 * The public API under /api/v1, as a pipeline. The order of checks (the first
 * that fails answers), each stage one named middleware or step doing one job:
 *
 *   1. routes       unknown path 404 NOT_FOUND, wrong method 405   knownRoutes, app-wide (create-app.ts)
 *   2. key          401 NO_KEY / INVALID_KEY; failed tries limited per address (429)   apiKey
 *   3. suspension   403 FORBIDDEN                                  refuseSuspended
 *   4. rate limit   429 RATE_LIMITED                               rateLimit
 *   5. body         400 VALIDATION: JSON, at most 16 KiB, PurchaseRequest   jsonBody
 *   6. idempotency  400 VALIDATION: a malformed Idempotency-Key    idempotencyKey
 *   then the purchase step: purchaseHandler calls store.purchases.purchase, ONE
 *   `BEGIN IMMEDIATE` transaction that runs, top to bottom in purchaseSteps
 *   (store/purchases-store.ts):
 *   7. idempotent replay (or 422 IDEMPOTENCY_KEY_REUSED) → 8. product (404)
 *   → 9. stock (409) → 10. balance (402) → 11. success.
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
    defaultHook: (result) => {
      if (!result.success) throw errors.validation(zodDetails(result.error));
    },
  });
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
