import type { ApiResponse, ApiSchemas } from '../lib/api-client.js';
import { check, expectAmount, expectAnswer, expectError } from '../lib/assertions.js';
import type { Buyer, CaseKit } from '../lib/case-kit.js';
import type { ContractCase } from '../lib/contract-case.js';
import { formatUsdt, times, type Micros } from '../lib/money.js';

/** Buys and checks the answer: one distinct code per unit, balance_remaining exact. */
export async function buy(buyer: Buyer, quantity: number, balanceBefore: Micros, idempotencyKey?: string) {
  const res = await buyer.api.purchase(
    { product_id: buyer.product.id, quantity },
    { cost: times(buyer.price, quantity), idempotencyKey },
  );
  const order = expectAnswer(res, 200, `buying ${quantity} × ${buyer.product.id}`);
  checkOrder(res, order, quantity);
  const expected = balanceBefore - times(buyer.price, quantity);
  expectAmount(
    order.balance_remaining,
    expected,
    'balance_remaining',
    `${formatUsdt(balanceBefore)} − ${formatUsdt(buyer.price)} × ${quantity}`,
    res,
  );
  return { res, order, balance: expected };
}

export function checkOrder(res: ApiResponse, order: ApiSchemas['PurchaseResponse'], quantity: number): void {
  check(order.codes.length === quantity, `codes: expected ${quantity} (one per unit), got ${order.codes.length}`, res);
  check(new Set(order.codes).size === order.codes.length, 'codes: the same code appears twice in one order', res);
}

export async function expectBalance(kit: CaseKit, buyer: Buyer, expected: Micros, how: string): Promise<void> {
  const res = await buyer.api.getBalance();
  expectAmount(expectAnswer(res, 200).balance, expected, 'GET /balance', how, res);
}

export const purchaseCases: readonly ContractCase[] = [
  {
    id: 'purchase.ok',
    title: 'a purchase returns one distinct code per unit and balance_remaining = balance − price × quantity, exactly',
    covers: [{ operation: 'purchase', status: 200 }],
    requests: 4,
    spendUnits: 1,
    run: async (kit) => {
      const buyer = await kit.buyer({ mock: { balance: '10', price: '1.25', stock: 5 }, units: 1 });
      const quantity = kit.isLive ? 1 : 2;
      const { balance } = await buy(buyer, quantity, buyer.balance);
      await expectBalance(kit, buyer, balance, `${formatUsdt(buyer.balance)} before, ${quantity} × ${formatUsdt(buyer.price)} bought`);
      await kit.onMock(async () => {
        // Unknown extra fields are ignored (a sandbox decision; the live documentation is silent).
        const res = await buyer.api.purchase({ product_id: buyer.product.id, quantity: 1, note: 'ignored' }, { cost: buyer.price });
        checkOrder(res, expectAnswer(res, 200, 'an unknown extra field is ignored'), 1);
      });
    },
  },
  {
    id: 'purchase.quantity-bounds',
    title: 'quantity 1 and 10 are accepted, 0 and 11 are VALIDATION',
    covers: [
      { operation: 'purchase', status: 200 },
      { operation: 'purchase', status: 400, code: 'VALIDATION' },
    ],
    requests: 7,
    spendUnits: 11,
    run: async (kit) => {
      const buyer = await kit.buyer({ mock: { balance: '100', price: '0.01', stock: 11 }, units: 11 });
      const body = (quantity: number) => ({ product_id: buyer.product.id, quantity });
      expectError(await buyer.api.purchase(body(0), { free: 'quantity 0 is invalid' }), 400, 'VALIDATION', 'quantity 0');
      expectError(await buyer.api.purchase(body(11), { free: 'quantity 11 is invalid' }), 400, 'VALIDATION', 'quantity 11');
      let { balance } = await buy(buyer, 10, buyer.balance);
      ({ balance } = await buy(buyer, 1, balance));
      await expectBalance(kit, buyer, balance, `11 units of ${formatUsdt(buyer.price)} bought`);
    },
  },
  {
    id: 'purchase.money-exact',
    title: 'ten purchases of 0.10 from 1.00 leave exactly 0, the eleventh is INSUFFICIENT_BALANCE',
    covers: [
      { operation: 'purchase', status: 200 },
      { operation: 'purchase', status: 402, code: 'INSUFFICIENT_BALANCE' },
    ],
    requests: 16,
    mockOnly: 'needs a wallet holding exactly 1.00 USDT',
    run: async (kit) => {
      const mock = kit.requireMock();
      const wallet = await mock.account('1.00');
      const tenth = await mock.product('0.10', 20);
      const buyer: Buyer = { api: wallet.api, accountId: wallet.id, product: await kit.productOf(wallet.api, tenth.id), price: tenth.price, balance: 1_000_000 };
      let balance = buyer.balance;
      for (let i = 0; i < 10; i++) ({ balance } = await buy(buyer, 1, balance));
      await expectBalance(kit, buyer, 0, 'ten purchases of 0.10 from 1.00');
      const refused = expectError(
        await wallet.api.purchase({ product_id: tenth.id, quantity: 1 }, { free: 'the wallet is empty' }),
        402,
        'INSUFFICIENT_BALANCE',
        'the wallet is empty',
      );
      expectAmount(refused.required, 100_000, 'required', 'price × quantity');
      expectAmount(refused.available, 0, 'available', 'the balance');

      // Thirds that do not add up in binary floating point.
      const thirds = await mock.account('1');
      const third = await mock.product('0.333333', 5);
      const thirdBuyer: Buyer = { api: thirds.api, accountId: thirds.id, product: await kit.productOf(thirds.api, third.id), price: third.price, balance: 1_000_000 };
      const { balance: left } = await buy(thirdBuyer, 3, 1_000_000);
      await expectBalance(kit, thirdBuyer, left, '1 − 3 × 0.333333 = 0.000001');
    },
  },
  {
    id: 'purchase.stock-and-codes',
    title: 'stock goes down by the quantity; codes are distinct and never seen before',
    covers: [{ operation: 'purchase', status: 200 }],
    requests: 5,
    spendUnits: 2,
    run: async (kit) => {
      const buyer = await kit.buyer({ mock: { balance: '10', price: '0.5', stock: 10 }, units: 2 });
      const before = buyer.product.stock;
      const quantities = kit.isLive ? [1, 1] : [3, 2];
      let balance = buyer.balance;
      const codes: string[] = [];
      const orders = new Set<string>();
      for (const quantity of quantities) {
        const bought = await buy(buyer, quantity, balance);
        balance = bought.balance;
        codes.push(...bought.order.codes);
        check(!orders.has(bought.order.order_id), `order_id ${bought.order.order_id} was returned for two different purchases`, bought.res);
        orders.add(bought.order.order_id);
      }
      // The client also checks every code against all codes delivered earlier in this run.
      check(new Set(codes).size === codes.length, 'a code was delivered twice across two orders');
      const sold = quantities.reduce((a, b) => a + b, 0);
      const after = await kit.productOf(buyer.api, buyer.product.id);
      if (kit.isLive) {
        // Other customers may buy at the same time; the stock can only have gone down by at least ours.
        check(after.stock <= before - sold, `stock of ${after.id}: was ${before}, ${sold} bought, now ${after.stock}`);
        return;
      }
      check(after.stock === before - sold, `stock of ${after.id}: expected ${before - sold} (${before} − ${sold}), got ${after.stock}`);
      await kit.onMock(async () => {
        const rest = await buy(buyer, after.stock, balance);
        const empty = await kit.productOf(buyer.api, buyer.product.id);
        check(empty.stock === 0 && !empty.in_stock, `after selling every code: expected stock 0, in_stock false, got ${empty.stock}, ${empty.in_stock}`);
        expectError(
          await buyer.api.purchase({ product_id: buyer.product.id, quantity: 1 }, { free: 'sold out' }),
          409,
          'OUT_OF_STOCK',
          'every code is sold',
        );
        check(new Set([...codes, ...rest.order.codes]).size === 10, 'ten units sold must be ten distinct codes');
      });
    },
  },
];
