/**
 * POST /purchase, after stages 1-6 of api-app.ts: hands the checked body and
 * Idempotency-Key to the store's single transaction (steps 7-11) and renders
 * what it says happened as HTTP, typed by the spec's route.
 */
import type { RouteHandler } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { purchaseRoute } from '../../spec/api-routes.js';
import type { PurchaseResponse } from '../../spec/api-schemas.js';
import { fromMicros } from '../../spec/money.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { errors } from '../errors.js';
import { sendJsonText, toJsonText } from '../json-text.js';
import type { CompletedOrder, PurchaseInput, PurchaseRefusal } from '../store/purchases-store.js';

type PurchaseBody = z.input<typeof PurchaseResponse>;

/** The 200 answer. The store calls it inside the transaction and keeps its bytes for replays. */
const renderOrder = (order: CompletedOrder) =>
  toJsonText<PurchaseBody>({
    success: true,
    order_id: order.orderId,
    codes: order.codes,
    balance_remaining: fromMicros(order.balanceRemainingMicros),
  });

const refusalError = (refusal: PurchaseRefusal, productId: string) => {
  switch (refusal.refused) {
    case 'key_revoked':
      return errors.invalidKey();
    case 'account_suspended':
      return errors.forbidden();
    case 'idempotency_key_reused':
      return errors.idempotencyKeyReused(refusal.idempotencyKey);
    case 'product_not_found':
      return errors.productNotFound(productId);
    case 'out_of_stock':
      return errors.outOfStock(productId, refusal.requested, refusal.stock);
    case 'insufficient_balance':
      return errors.insufficientBalance(fromMicros(refusal.requiredMicros), fromMicros(refusal.availableMicros));
  }
};

export const purchaseHandler =
  ({ store, clock }: AppDeps): RouteHandler<typeof purchaseRoute, AppEnv> =>
  async (c) => {
    const { product_id, quantity } = c.req.valid('json');
    const input: PurchaseInput = {
      keyHash: c.var.caller.keyHash,
      accountId: c.var.caller.accountId,
      productId: product_id,
      quantity,
      idempotencyKey: c.req.valid('header')['Idempotency-Key'],
      reuse: () => store.settings.getSettings().idempotency_reuse,
      now: () => clock.now(),
    };
    // A replay is read in the turn's shared transaction. A purchase is a transaction of its own:
    // it waits for the turn's to commit rather than cutting it short, so the purchases of a turn
    // follow one commit of its checks instead of one each.
    let result = store.purchases.storedAnswer<ReturnType<typeof renderOrder>>(input);
    if (!result) {
      await store.turn.committed();
      result = store.purchases.purchase(input, renderOrder);
    }
    if ('refused' in result) throw refusalError(result, product_id);
    // A replay is the stored bytes unchanged: byte-for-byte the first answer.
    if ('replayed' in result) {
      // For the journal and the after-commit step (which leaves a replay alone).
      c.set('order', { id: (JSON.parse(result.replayed) as PurchaseBody).order_id, replayed: true });
      return sendJsonText(c, result.replayed, 200, { 'Idempotent-Replayed': 'true' });
    }
    c.set('order', { id: result.created.orderId, replayed: false });
    return sendJsonText(c, result.answer, 200);
  };
