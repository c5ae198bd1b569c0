import type { PurchaseBody } from '../lib/api-types.js';
import { check, expectAnswer, expectError } from '../lib/assertions.js';
import { defineCase, freshId } from '../lib/case-kit.js';
import { expectBalance } from './purchase.js';

const CODES = { 500: 'INTERNAL_ERROR', 502: 'UPSTREAM_ERROR', 503: 'SERVICE_UNAVAILABLE', 504: 'UPSTREAM_TIMEOUT' } as const;

/**
 * The mock's fault rules answer in the API's error shape (spec/openapi.yaml, mock extensions), and
 * a purchase committed before its answer was lost is the order a same-key retry gets. Every rule
 * matches only this case's account, so other cases never meet it.
 */
export const serverErrors = defineCase('faults.server-errors', async (kit) => {
  const mock = kit.requireMock();
  const buyer = await kit.buyer({ mock: { balance: '10', price: '2', stock: 5 }, units: 1 });
  const rules: number[] = [];
  const rule = async (body: Record<string, unknown>) => rules.push((await mock.control.createFault({ account: buyer.accountId, times: 1, ...body })).id);
  try {
    for (const status of [500, 502, 503, 504] as const) {
      for (const operation of ['getBalance', 'listProducts', 'purchase'] as const) {
        await rule({ kind: 'error_response', status, operation });
        const res =
          operation === 'getBalance'
            ? await buyer.api.getBalance()
            : operation === 'listProducts'
              ? await buyer.api.listProducts()
              : await buyer.api.purchase({ product_id: buyer.product.id, quantity: 1 }, { cost: buyer.price });
        expectError(res, status, CODES[status], `a fault rule answering ${status} on ${operation}`);
      }
    }
    await expectBalance(kit, buyer, buyer.balance, 'nothing charged by the refused purchases');

    await rule({ kind: 'after_commit_error', status: 502 });
    const key = freshId('lost');
    const body = { product_id: buyer.product.id, quantity: 1 };
    expectError(await buyer.api.purchase(body, { idempotencyKey: key, cost: buyer.price }), 502, 'UPSTREAM_ERROR', 'the answer lost after the commit');
    const retry = await buyer.api.purchase(body, { idempotencyKey: key, cost: buyer.price });
    const order = expectAnswer<PurchaseBody>(retry, 200, 'the same-key retry after a lost answer');
    check(retry.headers.get('idempotent-replayed') === 'true', 'the retry must be a replay of the committed order', retry);
    await expectBalance(kit, buyer, buyer.balance - buyer.price, 'charged once for the lost answer and its retry');
    const state = await mock.control.state();
    check(state.orders.filter((o) => o.account_id === buyer.accountId).map((o) => o.id).join() === order.order_id, 'one order, the replayed one');
  } finally {
    for (const id of rules) await mock.control.deleteFault(id);
  }
});

export const FAULT_CASES = [serverErrors];
