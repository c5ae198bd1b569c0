import { check, expectAnswer, expectError } from '../lib/assertions.js';
import { freshId } from '../lib/case-kit.js';
import { everyOperation, type ContractCase } from '../lib/contract-case.js';
import { expectBalance } from './purchase.js';

const CODES = { 500: 'INTERNAL_ERROR', 502: 'UPSTREAM_ERROR', 503: 'SERVICE_UNAVAILABLE', 504: 'UPSTREAM_TIMEOUT' } as const;

export const faultCases: readonly ContractCase[] = [
  /**
   * The mock's fault rules answer in the API's error shape (spec/openapi.yaml, mock extensions), and
   * a purchase committed before its answer was lost is the order a same-key retry gets. Every rule
   * matches only this case's account, so other cases never meet it.
   */
  {
    id: 'faults.server-errors',
    title: 'fault rules: 500, 502, 503 and 504 in the error shape on every endpoint; a purchase whose answer was lost is replayed, charged once',
    covers: [
      ...everyOperation(500, 'INTERNAL_ERROR'),
      ...everyOperation(502, 'UPSTREAM_ERROR'),
      ...everyOperation(503, 'SERVICE_UNAVAILABLE'),
      ...everyOperation(504, 'UPSTREAM_TIMEOUT'),
      { operation: 'purchase', status: 200 },
    ],
    // The product read of buyer(), 12 fault answers, two balance reads, the lost purchase and its retry.
    requests: 17,
    mockOnly: 'fault rules are a sandbox tool; the live API fails only when it really fails',
    run: async (kit) => {
      const mock = kit.requireMock();
      const buyer = await kit.buyer({ mock: { balance: '10', price: '2', stock: 5 }, units: 1 });
      const account = buyer.accountId!;
      const rules: number[] = [];
      const rule = async (input: Parameters<typeof mock.control.createFault>[0]) =>
        rules.push((await mock.control.createFault({ ...input, account, times: 1 })).id);
      try {
        for (const status of [500, 502, 503, 504] as const) {
          for (const operation of ['getBalance', 'listProducts', 'purchase'] as const) {
            await rule({ kind: 'error_response', status, body: 'json', operation });
            const why = `a fault rule answering ${status} on ${operation}`;
            if (operation === 'getBalance') expectError(await buyer.api.getBalance(), status, CODES[status], why);
            else if (operation === 'listProducts') expectError(await buyer.api.listProducts(), status, CODES[status], why);
            else expectError(await buyer.api.purchase({ product_id: buyer.product.id, quantity: 1 }, { cost: buyer.price }), status, CODES[status], why);
          }
        }
        await expectBalance(kit, buyer, buyer.balance, 'nothing charged by the refused purchases');

        await rule({ kind: 'after_commit_error', status: 502, body: 'json' });
        const key = freshId('lost');
        const body = { product_id: buyer.product.id, quantity: 1 };
        expectError(await buyer.api.purchase(body, { idempotencyKey: key, cost: buyer.price }), 502, 'UPSTREAM_ERROR', 'the answer lost after the commit');
        const retry = await buyer.api.purchase(body, { idempotencyKey: key, cost: buyer.price });
        const order = expectAnswer(retry, 200, 'the same-key retry after a lost answer');
        check(retry.headers.get('idempotent-replayed') === 'true', 'the retry must be a replay of the committed order', retry);
        await expectBalance(kit, buyer, buyer.balance - buyer.price, 'charged once for the lost answer and its retry');
        const state = await mock.control.state();
        const orders = state.orders.filter((o) => o.account_id === account).map((o) => o.id);
        check(orders.join() === order.order_id, `one order, the replayed one: expected [${order.order_id}], got [${orders.join(', ')}]`);
      } finally {
        for (const id of rules) await mock.control.deleteFault(id).catch(() => undefined);
      }
    },
  },
];
