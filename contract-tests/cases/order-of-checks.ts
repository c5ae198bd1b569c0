import { check, expectAnswer, expectError } from '../lib/assertions.js';
import { defineCase, freshId } from '../lib/case-kit.js';

/**
 * The sandbox's order of checks (the first that fails answers): routing, key, suspension, rate
 * limit, body, idempotent replay, product, stock, balance. Each step is put against a later one.
 */
export const orderOfChecks = defineCase('checks.order', async (kit) => {
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
});

export const ORDER_OF_CHECKS_CASES = [orderOfChecks];
