/**
 * The public API under /api/v1: authentication and rate limit for every route,
 * a body limit for purchases, then the three handlers.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { getBalanceRoute, listProductsRoute, purchaseRoute } from '../../spec/api-routes.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { errors, zodDetails } from '../errors.js';
import { afterCommitFaults } from '../faults/after-commit.js';
import { faultStage } from '../faults/fault-stage.js';
import { authenticate } from '../middleware/authenticate.js';
import { balanceHandler } from './balance-handler.js';
import { productsHandler } from './products-handler.js';
import { purchaseHandler } from './purchase-handler.js';

/** A purchase body is a few dozen bytes; anything past this is refused before it is read in full. */
export const MAX_BODY_BYTES = 16 * 1024;

export function createApiApp(deps: AppDeps) {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw errors.validation(zodDetails(result.error));
    },
  });
  api.use('*', faultStage(deps));
  api.use('*', authenticate(deps));
  api.use(
    purchaseRoute.path,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw errors.validation([{ path: '(body)', message: `must be at most ${MAX_BODY_BYTES} bytes` }]);
      },
    }),
  );
  api.use(purchaseRoute.path, afterCommitFaults(deps));
  return api
    .openapi(getBalanceRoute, balanceHandler(deps))
    .openapi(listProductsRoute, productsHandler(deps))
    .openapi(purchaseRoute, purchaseHandler(deps));
}
