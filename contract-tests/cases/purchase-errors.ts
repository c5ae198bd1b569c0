import { randomBytes } from 'node:crypto';
import type { ApiClient, ApiSchemas } from '../lib/api-client.js';
import { check, expectAmount, expectError, expectMicros } from '../lib/assertions.js';
import { freshId, type CaseKit } from '../lib/case-kit.js';
import type { ContractCase } from '../lib/contract-case.js';
import { formatUsdt, times, toMicros, type Micros } from '../lib/money.js';

interface Target {
  api: ApiClient;
  productId: string;
  balance: Micros;
  stock: number;
  /** Why a lenient server still could not charge for this product. */
  note: string;
}

/**
 * Where to send requests that must be refused. On the mock: a product the wallet could afford, so
 * a server that lets a bad request through visibly charges. On live: a product that cannot be
 * bought (no stock, or dearer than the balance), so a lenient server answers 409/402 and charges
 * nothing — the case then fails without costing money.
 */
async function refusalTarget(kit: CaseKit): Promise<Target> {
  if (kit.mock) {
    const account = await kit.mock.account('100');
    const product = await kit.mock.product('1', 5);
    return { api: account.api, productId: product.id, balance: 100_000_000, stock: 5, note: '' };
  }
  const balance = await kit.balanceOf(kit.api);
  const products = await kit.productsOf(kit.api);
  const soldOut = products.find((p) => p.stock === 0);
  if (soldOut) return { api: kit.api, productId: soldOut.id, balance, stock: 0, note: `product ${soldOut.id} is sold out` };
  const dear = products.find((p) => toMicros(p.price) > balance && p.in_stock);
  if (dear) return { api: kit.api, productId: dear.id, balance, stock: dear.stock, note: `product ${dear.id} costs more than the balance` };
  return kit.skip('no sold-out product and none dearer than the balance: a lenient server could charge for a malformed request');
}

async function expectNothingCharged(kit: CaseKit, target: Target): Promise<void> {
  expectMicros(await kit.balanceOf(target.api), target.balance, 'GET /balance', 'nothing charged for refused requests');
  await kit.onMock(async () => {
    const product = await kit.productOf(target.api, target.productId);
    check(product.stock === target.stock, `stock of ${target.productId}: expected ${target.stock} (nothing sold), got ${product.stock}`);
  });
}

/** Sandbox decision: the message (or details) names the field. */
function namesField(kit: CaseKit, error: ApiSchemas['ValidationError'], field: string | undefined, label: string): void {
  if (!kit.mock || !field) return;
  const text = `${error.error} ${(error.details ?? []).map((d) => `${d.path} ${d.message}`).join(' ')}`;
  check(text.includes(field), `${label}: the VALIDATION message should name the field '${field}', got '${error.error}'`);
}

export const purchaseErrorCases: readonly ContractCase[] = [
  {
    id: 'purchase.validation',
    title: 'malformed bodies and bad fields: 400 VALIDATION, nothing charged',
    covers: [{ operation: 'purchase', status: 400, code: 'VALIDATION' }],
    requests: 17,
    run: async (kit) => {
      const target = await refusalTarget(kit);
      const id = target.productId;
      const bodies: { label: string; body?: unknown; raw?: string; field?: string }[] = [
        { label: 'quantity 0', body: { product_id: id, quantity: 0 }, field: 'quantity' },
        { label: 'quantity 11', body: { product_id: id, quantity: 11 }, field: 'quantity' },
        { label: 'quantity -1', body: { product_id: id, quantity: -1 }, field: 'quantity' },
        { label: 'quantity 1.5', body: { product_id: id, quantity: 1.5 }, field: 'quantity' },
        { label: 'quantity "1" (a string)', body: { product_id: id, quantity: '1' }, field: 'quantity' },
        { label: 'quantity null', body: { product_id: id, quantity: null }, field: 'quantity' },
        { label: 'quantity missing', body: { product_id: id }, field: 'quantity' },
        { label: 'product_id missing', body: { quantity: 1 }, field: 'product_id' },
        { label: 'product_id ""', body: { product_id: '', quantity: 1 }, field: 'product_id' },
        { label: 'product_id 123 (a number)', body: { product_id: 123, quantity: 1 }, field: 'product_id' },
        { label: 'a JSON array', raw: JSON.stringify([{ product_id: id, quantity: 1 }]) },
        { label: 'a JSON string', raw: '"002"' },
        { label: 'malformed JSON', raw: `{"product_id": "${id}", "quantity": 1` },
        { label: 'an empty body', raw: '' },
      ];
      for (const { label, body, raw, field } of bodies) {
        const res = await target.api.purchase(body, { rawBody: raw, free: `${label} is invalid${target.note ? `; ${target.note}` : ''}` });
        namesField(kit, expectError(res, 400, 'VALIDATION', label), field, label);
      }
      await expectNothingCharged(kit, target);
    },
  },
  {
    id: 'purchase.bad-idempotency-key',
    title: 'an Idempotency-Key over 255 characters: 400 VALIDATION',
    covers: [{ operation: 'purchase', status: 400, code: 'VALIDATION' }],
    requests: 4,
    run: async (kit) => {
      const target = await refusalTarget(kit);
      const body = { product_id: target.productId, quantity: 1 };
      const free = `the Idempotency-Key is invalid${target.note ? `; ${target.note}` : ''}`;
      expectError(await target.api.purchase(body, { idempotencyKey: 'k'.repeat(256), free }), 400, 'VALIDATION', '256 characters');
      await expectNothingCharged(kit, target);
    },
  },
  {
    id: 'purchase.product-not-found',
    title: 'an unknown product_id: 404 PRODUCT_NOT_FOUND, nothing charged',
    covers: [{ operation: 'purchase', status: 404, code: 'PRODUCT_NOT_FOUND' }],
    requests: 4,
    run: async (kit) => {
      let api = kit.api;
      let balance: Micros;
      let missing = freshId('missing');
      if (kit.mock) {
        api = (await kit.mock.account('10')).api;
        balance = 10_000_000;
      } else {
        balance = await kit.balanceOf(api);
        const ids = new Set((await kit.productsOf(api)).map((p) => p.id));
        while (ids.has(missing)) missing = `missing-${randomBytes(6).toString('hex')}`;
      }
      const error = expectError(
        await api.purchase({ product_id: missing, quantity: 1 }, { free: 'the product does not exist' }),
        404,
        'PRODUCT_NOT_FOUND',
        `${missing} is not in GET /products`,
      );
      check(error.error.length > 0, 'the error message is empty');
      expectMicros(await kit.balanceOf(api), balance, 'GET /balance', 'nothing charged');
    },
  },
  {
    id: 'purchase.out-of-stock',
    title: 'more than the stock: 409 OUT_OF_STOCK with requested and stock, nothing charged or taken',
    covers: [{ operation: 'purchase', status: 409, code: 'OUT_OF_STOCK' }],
    requests: 4,
    run: async (kit) => {
      const tries: { api: ApiClient; productId: string; quantity: number; stock: number; balance: Micros }[] = [];
      if (kit.mock) {
        const account = await kit.mock.account('10');
        const none = await kit.mock.product('1', 0);
        const three = await kit.mock.product('1', 3);
        tries.push({ api: account.api, productId: none.id, quantity: 1, stock: 0, balance: 10_000_000 });
        tries.push({ api: account.api, productId: three.id, quantity: 4, stock: 3, balance: 10_000_000 });
      } else {
        const balance = await kit.balanceOf(kit.api);
        const products = await kit.productsOf(kit.api);
        const low = products.filter((p) => p.stock <= 9).sort((a, b) => a.stock - b.stock)[0];
        if (!low) return kit.skip('every product has 10 or more codes left: no quantity (1–10) exceeds a stock');
        tries.push({ api: kit.api, productId: low.id, quantity: low.stock + 1, stock: low.stock, balance });
      }
      for (const t of tries) {
        const res = await t.api.purchase({ product_id: t.productId, quantity: t.quantity }, { free: 'the quantity exceeds the stock' });
        const error = expectError(res, 409, 'OUT_OF_STOCK', `${t.quantity} of ${t.productId}, stock ${t.stock}`);
        check(error.requested === t.quantity, `requested: expected ${t.quantity}, got ${error.requested}`, res);
        if (kit.mock) check(error.stock === t.stock, `stock: expected ${t.stock}, got ${error.stock}`, res);
        else check((error.stock ?? 0) < t.quantity, `stock: ${error.stock} would cover the ${t.quantity} requested`, res);
      }
      const first = tries[0]!;
      expectMicros(await kit.balanceOf(first.api), first.balance, 'GET /balance', 'nothing charged');
      await kit.onMock(async () => {
        const three = await kit.productOf(first.api, tries[1]!.productId);
        check(three.stock === 3, `stock after a refused purchase: expected 3, got ${three.stock}`);
      });
    },
  },
  {
    id: 'purchase.insufficient-balance',
    title: 'price × quantity over the balance: 402 INSUFFICIENT_BALANCE with required and available',
    covers: [{ operation: 'purchase', status: 402, code: 'INSUFFICIENT_BALANCE' }],
    requests: 4,
    run: async (kit) => {
      let api = kit.api;
      let balance: Micros;
      let productId: string;
      let price: Micros;
      let quantity: number;
      if (kit.mock) {
        const account = await kit.mock.account('0.50');
        const product = await kit.mock.product('0.75', 5);
        ({ api } = account);
        balance = 500_000;
        productId = product.id;
        price = product.price;
        quantity = 1;
        const twice = expectError(
          await api.purchase({ product_id: productId, quantity: 2 }, { free: 'price × quantity exceeds the balance' }),
          402,
          'INSUFFICIENT_BALANCE',
        );
        expectAmount(twice.required, 1_500_000, 'required', '0.75 × 2');
      } else {
        balance = await kit.balanceOf(api);
        const products = await kit.productsOf(api);
        const options = products
          .filter((p) => p.in_stock)
          .flatMap((p) => {
            const unit = toMicros(p.price);
            const q = Math.floor(balance / Math.max(unit, 1)) + 1;
            return unit > 0 && q <= Math.min(10, p.stock) ? [{ p, unit, q }] : [];
          })
          .sort((a, b) => a.q - b.q);
        const pick = options[0];
        if (!pick) return kit.skip(`the balance (${formatUsdt(balance)} USDT) covers up to 10 units of every product in stock`);
        ({ unit: price, q: quantity } = pick);
        productId = pick.p.id;
      }
      const res = await api.purchase({ product_id: productId, quantity }, { free: 'price × quantity exceeds the balance' });
      const error = expectError(res, 402, 'INSUFFICIENT_BALANCE', `${quantity} × ${formatUsdt(price)} against ${formatUsdt(balance)}`);
      expectAmount(error.required, times(price, quantity), 'required', `${formatUsdt(price)} × ${quantity}`, res);
      expectAmount(error.available, balance, 'available', 'the balance', res);
      expectMicros(await kit.balanceOf(api), balance, 'GET /balance', 'nothing charged');
    },
  },
];
