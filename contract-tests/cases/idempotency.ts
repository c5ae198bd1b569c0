import { check, expectAnswer, expectError } from '../lib/assertions.js';
import { freshId, type Buyer } from '../lib/case-kit.js';
import type { ContractCase } from '../lib/contract-case.js';
import { formatUsdt } from '../lib/money.js';
import { buy, expectBalance } from './purchase.js';

const DAY = 24 * 60 * 60;

export const idempotencyCases: readonly ContractCase[] = [
  {
    id: 'idempotency.retry',
    title: 'same Idempotency-Key, same body: the same order, one charge, stock taken once',
    covers: [{ operation: 'purchase', status: 200 }],
    requests: 5,
    spendUnits: 2,
    run: async (kit) => {
      const buyer = await kit.buyer({ mock: { balance: '10', price: '1.5', stock: 5 }, units: 1 });
      const key = freshId('order');
      const first = await buy(buyer, 1, buyer.balance, key);
      // The retry is priced like a purchase: a server that charges twice must not overrun the allowance.
      const again = await buyer.api.purchase({ product_id: buyer.product.id, quantity: 1 }, { idempotencyKey: key, cost: buyer.price });
      const replay = expectAnswer(again, 200, 'a retry with the same Idempotency-Key');
      check(replay.order_id === first.order.order_id, `retry: expected the original order ${first.order.order_id}, got ${replay.order_id}`, again);
      check(replay.codes.join() === first.order.codes.join(), 'retry: the codes differ from the original answer', again);
      check(replay.balance_remaining === first.order.balance_remaining, 'retry: balance_remaining differs from the original answer', again);
      await expectBalance(kit, buyer, first.balance, `charged once: ${formatUsdt(buyer.balance)} − ${formatUsdt(buyer.price)}`);
      await kit.onMock(async (mock) => {
        // Sandbox decisions beyond the live documentation: the stored answer byte for byte, marked as a replay.
        check(again.text === first.res.text, 'retry: the body is not byte-for-byte the original', again);
        check(first.res.headers.get('idempotent-replayed') === null, 'the first answer must not say Idempotent-Replayed', first.res);
        check(again.headers.get('idempotent-replayed') === 'true', 'the replay must carry Idempotent-Replayed: true', again);
        const product = await kit.productOf(buyer.api, buyer.product.id);
        check(product.stock === buyer.product.stock - 1, `stock taken once: expected ${buyer.product.stock - 1}, got ${product.stock}`);
        // The key belongs to one account: another account using it buys for itself.
        const other = await mock.account('10');
        const theirs = await buy({ ...buyer, api: other.api, accountId: other.id }, 1, 10_000_000, key);
        check(theirs.order.order_id !== first.order.order_id, 'another account with the same Idempotency-Key got the first account\'s order');
      });
    },
  },
  {
    id: 'idempotency.expiry',
    title: 'an Idempotency-Key is forgotten after 24 hours',
    covers: [{ operation: 'purchase', status: 200 }],
    requests: 5,
    mockOnly: 'needs 24 hours to pass (the mock moves its virtual clock)',
    run: async (kit) => {
      const mock = kit.requireMock();
      const buyer = await kit.buyer({ mock: { balance: '10', price: '1', stock: 5 }, units: 1 });
      const key = freshId('order');
      const first = await buy(buyer, 1, buyer.balance, key);
      await mock.advance(DAY - 60);
      const stillKnown = await buyer.api.purchase({ product_id: buyer.product.id, quantity: 1 }, { idempotencyKey: key, cost: buyer.price });
      const replay = expectAnswer(stillKnown, 200, 'a retry after 23 h 59 min');
      check(replay.order_id === first.order.order_id, `after 23 h 59 min: expected the original order, got ${replay.order_id}`, stillKnown);
      await mock.advance(120);
      const second = await buy(buyer, 1, first.balance, key);
      check(second.order.order_id !== first.order.order_id, 'after 24 h the key must be forgotten: got the original order again', second.res);
      await expectBalance(kit, buyer, second.balance, 'charged again after the key expired');
    },
  },
  {
    id: 'idempotency.failed-not-stored',
    title: 'a failed purchase is not stored: the retry after a top-up goes through',
    covers: [
      { operation: 'purchase', status: 402, code: 'INSUFFICIENT_BALANCE' },
      { operation: 'purchase', status: 200 },
    ],
    requests: 4,
    mockOnly: 'needs a top-up between the two tries, which only the store bot can do',
    run: async (kit) => {
      const mock = kit.requireMock();
      const buyer = await kit.buyer({ mock: { balance: '0.50', price: '1', stock: 5 }, units: 1 });
      const key = freshId('order');
      const body = { product_id: buyer.product.id, quantity: 1 };
      expectError(await buyer.api.purchase(body, { idempotencyKey: key, free: 'the wallet is too low' }), 402, 'INSUFFICIENT_BALANCE');
      await mock.control.topUp(buyer.accountId!, '1.00');
      const after = await buy(buyer, 1, 1_500_000, key);
      await expectBalance(kit, buyer, after.balance, '0.50 + 1.00 top-up − 1');
    },
  },
  {
    id: 'idempotency.key-reused',
    title: 'same Idempotency-Key, other body: 422 IDEMPOTENCY_KEY_REUSED (or a replay when so configured)',
    covers: [{ operation: 'purchase', status: 422, code: 'IDEMPOTENCY_KEY_REUSED' }],
    requests: 5,
    mockOnly: 'IDEMPOTENCY_KEY_REUSED is a mock extension the live API does not promise',
    run: async (kit) => {
      const mock = kit.requireMock();
      const buyer: Buyer = await kit.buyer({ mock: { balance: '10', price: '1', stock: 5 }, units: 1 });
      const key = freshId('order');
      const first = await buy(buyer, 1, buyer.balance, key);
      const other = { product_id: buyer.product.id, quantity: 2 };
      const original = await mock.settings();
      try {
        await mock.control.changeSettings({ idempotency_reuse: 'reject' });
        expectError(await buyer.api.purchase(other, { idempotencyKey: key, cost: buyer.price * 2 }), 422, 'IDEMPOTENCY_KEY_REUSED', 'same key, other quantity');
        await mock.control.changeSettings({ idempotency_reuse: 'replay' });
        const replayed = await buyer.api.purchase(other, { idempotencyKey: key, cost: buyer.price * 2 });
        expectAnswer(replayed, 200, 'idempotency_reuse=replay answers with the original');
        check(replayed.text === first.res.text, 'idempotency_reuse=replay: expected the original answer byte for byte', replayed);
      } finally {
        await mock.control.changeSettings({ idempotency_reuse: original.idempotency_reuse });
      }
      await expectBalance(kit, buyer, first.balance, 'only the first purchase charged');
    },
  },
];
