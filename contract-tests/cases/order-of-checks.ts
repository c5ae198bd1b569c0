import { check, expectAnswer, expectError } from '../lib/assertions.js';
import { freshId } from '../lib/case-kit.js';
import type { ContractCase } from '../lib/contract-case.js';

export const orderOfChecksCases: readonly ContractCase[] = [
  /**
   * The sandbox's order of checks (the first that fails answers): routing, key, suspension, rate
   * limit, body, idempotent replay, product, stock, balance. Each step is put against a later one.
   */
  {
    id: 'checks.order',
    title: 'the first failing check answers: routing, key, suspension, body, replay, product, stock, balance',
    covers: [
      { operation: '*', status: 404, code: 'NOT_FOUND' },
      { operation: '*', status: 405, code: 'METHOD_NOT_ALLOWED' },
      { operation: 'purchase', status: 403, code: 'FORBIDDEN' },
      { operation: 'purchase', status: 400, code: 'VALIDATION' },
      { operation: 'purchase', status: 409, code: 'OUT_OF_STOCK' },
      { operation: 'purchase', status: 200 },
    ],
    requests: 7,
    mockOnly: 'the order of checks is a sandbox decision; the live documentation does not fix it',
    run: async (kit) => {
      const mock = kit.requireMock();
      await mock.freshRateWindow();
      const anonymous = kit.api.withKey(null);
      const unknownPath = await anonymous.undeclared('GET', '/does-not-exist');
      check(unknownPath.status === 404, `an unknown path without a key: expected 404 NOT_FOUND before NO_KEY, got ${unknownPath.status}`);
      const wrongMethod = await anonymous.undeclared('DELETE', kit.publicSpec.operation('getBalance').path);
      check(wrongMethod.status === 405, `a wrong method without a key: expected 405 METHOD_NOT_ALLOWED before NO_KEY, got ${wrongMethod.status}`);

      const suspended = await mock.account('10', 'suspended');
      expectError(await suspended.api.purchase({ quantity: 0 }, { free: 'suspended, invalid body' }), 403, 'FORBIDDEN', 'suspension before validation');

      const poor = await mock.account('0.50');
      expectError(
        await poor.api.purchase({ product_id: freshId('missing'), quantity: 0 }, { free: 'invalid body' }),
        400,
        'VALIDATION',
        'validation before the product lookup',
      );
      const soldOut = await mock.product('1', 0);
      expectError(
        await poor.api.purchase({ product_id: soldOut.id, quantity: 1 }, { free: 'sold out and too dear' }),
        409,
        'OUT_OF_STOCK',
        'stock before balance',
      );

      const buyer = await mock.account('10');
      const last = await mock.product('1', 1);
      const key = freshId('order');
      const body = { product_id: last.id, quantity: 1 };
      const first = expectAnswer(await buyer.api.purchase(body, { idempotencyKey: key, cost: last.price }), 200, 'the last unit');
      const replay = await buyer.api.purchase(body, { idempotencyKey: key, cost: last.price });
      const again = expectAnswer(replay, 200, 'a replay comes before the stock check');
      check(again.order_id === first.order_id, `the replay after selling out must be the original order, got ${again.order_id}`, replay);
    },
  },
];
