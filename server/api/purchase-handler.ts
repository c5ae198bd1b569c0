/**
 * POST /purchase. The body was validated by the route (400 VALIDATION); this
 * checks the Idempotency-Key, then hands everything else (replay, product, stock,
 * balance, debit) to the store's single transaction.
 */
import type { RouteHandler } from '@hono/zod-openapi';
import type { purchaseRoute } from '../../spec/api-routes.js';
import { IdempotencyKey } from '../../spec/api-schemas.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { errors } from '../errors.js';

export const purchaseHandler =
  ({ store, clock }: AppDeps): RouteHandler<typeof purchaseRoute, AppEnv> =>
  (c) => {
    const { product_id, quantity } = c.req.valid('json');
    const rawKey = c.req.header('Idempotency-Key');
    if (rawKey !== undefined) {
      const parsed = IdempotencyKey.safeParse(rawKey);
      if (!parsed.success) {
        throw errors.validation([{ path: 'Idempotency-Key', message: parsed.error.issues[0]?.message ?? 'invalid' }]);
      }
    }
    const outcome = store.purchases.purchase({
      accountId: c.get('accountId'),
      productId: product_id,
      quantity,
      idempotencyKey: rawKey,
      reuse: store.settings.getSettings().idempotency_reuse,
      now: clock.now(),
    });
    if (outcome.kind === 'failed') throw outcome.error;
    c.set('order', { id: (JSON.parse(outcome.body) as { order_id: string }).order_id, replayed: outcome.kind === 'replayed' });
    // The stored bytes go out unchanged, so a replay is byte-for-byte the first answer.
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (outcome.kind === 'replayed') headers['Idempotent-Replayed'] = 'true';
    return c.body(outcome.body, 200, headers) as never;
  };
