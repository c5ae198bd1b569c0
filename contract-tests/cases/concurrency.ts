import type { ApiSchemas } from '../lib/api-client.js';
import { check, expectAnswer, expectError, expectMicros } from '../lib/assertions.js';
import { freshId } from '../lib/case-kit.js';
import type { ContractCase } from '../lib/contract-case.js';
import { formatUsdt } from '../lib/money.js';
import { expectBalance } from './purchase.js';

export const concurrencyCases: readonly ContractCase[] = [
  {
    id: 'concurrency.idempotent-parallel',
    title: 'parallel purchases with one Idempotency-Key charge once',
    covers: [{ operation: 'purchase', status: 200 }],
    requests: 6,
    spendUnits: 3,
    run: async (kit) => {
      const buyer = await kit.buyer({ mock: { balance: '10', price: '1', stock: 10 }, units: 1 });
      const key = freshId('parallel');
      const body = { product_id: buyer.product.id, quantity: 1 };
      // Each request is priced: a server that charges every one must still not overrun the allowance.
      const send = () => buyer.api.purchase(body, { idempotencyKey: key, cost: buyer.price });
      // Three on live; on the mock five more join them at once (mock-only extras).
      const sent = await Promise.all([...Array.from({ length: 3 }, send), ...Array.from({ length: 5 }, () => kit.onMock(send))]);
      const answers = sent.filter((res) => res !== undefined);
      const parallel = answers.length;
      const orders = answers.map((res, i) => expectAnswer(res, 200, `parallel request ${i + 1} of ${parallel}`));
      const ids = new Set(orders.map((o) => o.order_id));
      check(ids.size === 1, `${parallel} parallel requests with one Idempotency-Key made ${ids.size} orders: ${[...ids].join(', ')}`);
      check(new Set(orders.map((o) => o.codes.join())).size === 1, 'parallel replays carry different codes');
      await expectBalance(kit, buyer, buyer.balance - buyer.price, `charged once: ${formatUsdt(buyer.balance)} − ${formatUsdt(buyer.price)}`);
      await kit.onMock(async () => {
        const product = await kit.productOf(buyer.api, buyer.product.id);
        check(product.stock === buyer.product.stock - 1, `stock taken once: expected ${buyer.product.stock - 1}, got ${product.stock}`);
      });
    },
  },
  {
    id: 'concurrency.low-stock',
    title: 'parallel purchases on a low stock never oversell',
    covers: [
      { operation: 'purchase', status: 200 },
      { operation: 'purchase', status: 409, code: 'OUT_OF_STOCK' },
    ],
    requests: 19,
    mockOnly: 'needs a product with a small stock the suite controls; on live it would buy out a real product',
    run: async (kit) => {
      const mock = kit.requireMock();
      // One wallet, eight buyers of one unit, three codes.
      const wallet = await mock.account('100');
      const three = await mock.product('1', 3);
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => wallet.api.purchase({ product_id: three.id, quantity: 1 }, { cost: three.price })),
      );
      const sold = answers.filter((res) => res.status === 200).map((res) => res.body as ApiSchemas['PurchaseResponse']);
      for (const res of answers.filter((r) => r.status !== 200)) expectError(res, 409, 'OUT_OF_STOCK', 'the stock ran out');
      check(sold.length === 3, `8 parallel purchases on a stock of 3: expected 3 sold, got ${sold.length}`);
      const codes = sold.flatMap((o) => o.codes);
      check(new Set(codes).size === 3, `3 sold units must be 3 distinct codes, got ${new Set(codes).size}`);
      const product = await kit.productOf(wallet.api, three.id);
      check(product.stock === 0 && !product.in_stock, `stock after selling out: expected 0, got ${product.stock}`);
      expectMicros(await kit.balanceOf(wallet.api), 97_000_000, 'GET /balance', '100 − 3 sold × 1');

      // Four wallets want two each of a stock of three: exactly one can have them.
      const pair = await mock.product('1', 3);
      const wallets = await Promise.all(Array.from({ length: 4 }, () => mock.account('2')));
      const tries = await Promise.all(
        wallets.map((w) => w.api.purchase({ product_id: pair.id, quantity: 2 }, { cost: 2 * pair.price })),
      );
      const winners = tries.filter((r) => r.status === 200);
      for (const r of tries.filter((t) => t.status !== 200)) {
        const error = expectError(r, 409, 'OUT_OF_STOCK', 'another wallet took the codes');
        check(error.stock === 1 && error.requested === 2, `OUT_OF_STOCK must say requested 2, stock 1; got ${error.requested}, ${error.stock}`, r);
      }
      check(winners.length === 1, `4 parallel purchases of 2 from a stock of 3: expected 1 to succeed, got ${winners.length}`);
      const left = await kit.productOf(wallets[0]!.api, pair.id);
      check(left.stock === 1, `stock: expected 1 left, got ${left.stock}`);
      const balances = await Promise.all(wallets.map((w) => kit.balanceOf(w.api)));
      check(
        balances.filter((b) => b === 0).length === 1 && balances.filter((b) => b === 2_000_000).length === 3,
        `one wallet pays 2, the others keep 2: got ${balances.map(formatUsdt).join(', ')}`,
      );
    },
  },
];
