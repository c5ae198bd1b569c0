/**
 * Many purchases at once, in one process: requests interleave at every await
 * (body parsing, middleware), so a check that read stock, balance or an
 * idempotency record before an await and wrote after it would oversell, charge
 * twice or go below zero here. Every assertion holds whatever order the
 * requests run in. The two-process version is process-tests/multi-process.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { toMicros } from '../spec/money.js';
import { createTestApp, statusCounts, type SandboxState, type TestApp } from './test-support/test-app.js';

async function sandbox(rateLimit = 100_000): Promise<TestApp> {
  const t = createTestApp();
  expect((await t.control('PATCH', '/settings', { rate_limit: rateLimit })).status).toBe(200);
  return t;
}

async function addAccount(t: TestApp, id: string, balance: number | string): Promise<string> {
  const res = await t.control('POST', '/accounts', { id, balance, key: `mk_test_${id}` });
  expect(res.status, res.text).toBe(201);
  return res.json.key as string;
}

async function addProduct(t: TestApp, id: string, price: number | string, stock: number) {
  const res = await t.control('PUT', `/products/${id}`, { name: `Concurrency ${id}`, price, stock });
  expect(res.status, res.text).toBe(200);
}

async function state(t: TestApp) {
  const res = await t.control('GET', '/state');
  expect(res.status).toBe(200);
  return res.json as SandboxState;
}
const micros = (amount: number) => toMicros(amount)!;

describe('many purchases at once in one process', () => {
  it('sells a stock of 5 exactly once to 100 simultaneous requests from 5 accounts', async () => {
    const t = await sandbox();
    await addProduct(t, 'low', 1, 5);
    const keys = await Promise.all([0, 1, 2, 3, 4].map((i) => addAccount(t, `buyer${i}`, 100)));

    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => t.purchase({ product_id: 'low', quantity: 1 }, { key: keys[i % 5] })),
    );

    expect(statusCounts(answers)).toEqual({ 200: 5, 409: 95 });
    for (const a of answers.filter((a) => a.status === 409)) {
      expect(a.json).toMatchObject({ success: false, code: 'OUT_OF_STOCK', requested: 1, stock: 0 });
    }
    const sold = answers.filter((a) => a.status === 200).flatMap((a) => a.json.codes as string[]);
    expect(new Set(sold).size).toBe(5);

    const s = await state(t);
    expect(s.products.find((p) => p.id === 'low')).toMatchObject({ stock: 0, sold: 5 });
    const orders = s.orders.filter((o) => o.product_id === 'low');
    expect(orders.flatMap((o) => o.codes).sort()).toEqual([...sold].sort());
    // Each account paid for exactly the units it got.
    for (let i = 0; i < 5; i++) {
      const bought = orders.filter((o) => o.account_id === `buyer${i}`).length;
      expect(s.accounts.find((a) => a.id === `buyer${i}`)!.balance).toBe(100 - bought);
    }
  });

  it('lets exactly ten 0.10 purchases through a 1.00 wallet out of 50 at once, leaving exactly 0', async () => {
    const t = await sandbox();
    await addProduct(t, 'dime', '0.10', 1000);
    const key = await addAccount(t, 'wallet', '1.00');

    const answers = await Promise.all(Array.from({ length: 50 }, () => t.purchase({ product_id: 'dime', quantity: 1 }, { key })));

    expect(statusCounts(answers)).toEqual({ 200: 10, 402: 40 });
    for (const a of answers.filter((a) => a.status === 402)) {
      expect(a.json).toMatchObject({ success: false, code: 'INSUFFICIENT_BALANCE', required: 0.1, available: 0 });
    }
    // One debit after another: every balance from 0.9 down to 0 was seen exactly once.
    const remaining = answers.filter((a) => a.status === 200).map((a) => a.json.balance_remaining as number);
    expect(remaining.sort((x, y) => x - y)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(await t.balance(key)).toBe(0);
    expect((await state(t)).products.find((p) => p.id === 'dime')).toMatchObject({ stock: 990, sold: 10 });
  });

  it('never oversells, overcharges or goes below zero with mixed quantities against low stock and a small wallet', async () => {
    const t = await sandbox();
    await addProduct(t, 'mix', '1.50', 7);
    const key = await addAccount(t, 'mixer', 10);
    const quantities = Array.from({ length: 60 }, (_, i) => (i % 3) + 1);

    const answers = await Promise.all(quantities.map((quantity) => t.purchase({ product_id: 'mix', quantity }, { key })));

    expect(answers.every((a) => [200, 402, 409].includes(a.status)), JSON.stringify(statusCounts(answers))).toBe(true);
    const successes = answers.filter((a) => a.status === 200);
    expect(successes.length).toBeGreaterThan(0);
    const soldUnits = successes.reduce((n, a) => n + (a.json.codes as string[]).length, 0);
    const codes = successes.flatMap((a) => a.json.codes as string[]);
    expect(new Set(codes).size).toBe(soldUnits);
    expect(soldUnits).toBeLessThanOrEqual(7);

    const s = await state(t);
    const product = s.products.find((p) => p.id === 'mix')!;
    expect(product).toMatchObject({ stock: 7 - soldUnits, sold: soldUnits });
    const balance = micros(s.accounts.find((a) => a.id === 'mixer')!.balance);
    expect(balance).toBe(micros(10) - soldUnits * micros(1.5));
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(s.orders.filter((o) => o.product_id === 'mix').flatMap((o) => o.codes).sort()).toEqual([...codes].sort());
    expect(new Set(successes.map((a) => a.json.balance_remaining)).size).toBe(successes.length);
    // No refusal was spurious: stock and balance only fall, so what was short then is short now.
    for (const a of answers.filter((a) => a.status === 409)) {
      expect(a.json.code).toBe('OUT_OF_STOCK');
      expect(a.json.stock).toBeLessThan(a.json.requested);
      expect(a.json.requested).toBeGreaterThan(product.stock);
    }
    for (const a of answers.filter((a) => a.status === 402)) {
      expect(a.json.code).toBe('INSUFFICIENT_BALANCE');
      expect(micros(a.json.required)).toBeGreaterThan(balance);
    }
  });
});

describe('simultaneous requests with one Idempotency-Key', () => {
  it('charges once for 50 simultaneous sends and answers each with the same bytes', async () => {
    const t = await sandbox();
    await addProduct(t, 'idem', 2, 100);
    const key = await addAccount(t, 'retrier', 10);

    const answers = await Promise.all(
      Array.from({ length: 50 }, () => t.purchase({ product_id: 'idem', quantity: 2 }, { key, idempotencyKey: 'order-001' })),
    );

    expect(statusCounts(answers)).toEqual({ 200: 50 });
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('Idempotent-Replayed') === 'true')).toHaveLength(49);
    const s = await state(t);
    const orders = s.orders.filter((o) => o.account_id === 'retrier');
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ quantity: 2, idempotency_key: 'order-001' });
    expect(s.accounts.find((a) => a.id === 'retrier')!.balance).toBe(6);
    expect(s.products.find((p) => p.id === 'idem')).toMatchObject({ stock: 98, sold: 2 });
  });

  it('with two different bodies sent at once, makes one order and answers the other body 422', async () => {
    const t = await sandbox();
    await addProduct(t, 'idem', 2, 100);
    const key = await addAccount(t, 'mixed', 10);
    const quantities = Array.from({ length: 40 }, (_, i) => (i % 2) + 1);

    const answers = await Promise.all(
      quantities.map((quantity) => t.purchase({ product_id: 'idem', quantity }, { key, idempotencyKey: 'order-002' })),
    );

    const orders = (await state(t)).orders.filter((o) => o.account_id === 'mixed');
    expect(orders).toHaveLength(1);
    const won = orders[0]!.quantity;
    const winners = answers.filter((_, i) => quantities[i] === won);
    const losers = answers.filter((_, i) => quantities[i] !== won);
    expect(statusCounts(winners)).toEqual({ 200: 20 });
    expect(new Set(winners.map((a) => a.text)).size).toBe(1);
    expect(statusCounts(losers)).toEqual({ 422: 20 });
    for (const a of losers) expect(a.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await t.balance(key)).toBe(10 - 2 * won);
  });

  it('keeps the key per account: two accounts sending one key at once each get their own order', async () => {
    const t = await sandbox();
    await addProduct(t, 'idem', 2, 100);
    const keys = [await addAccount(t, 'first', 10), await addAccount(t, 'second', 10)];

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => t.purchase({ product_id: 'idem', quantity: 1 }, { key: keys[i % 2], idempotencyKey: 'shared-key' })),
    );

    expect(statusCounts(answers)).toEqual({ 200: 40 });
    const bodies = [0, 1].map((k) => new Set(answers.filter((_, i) => i % 2 === k).map((a) => a.text)));
    expect(bodies.map((b) => b.size)).toEqual([1, 1]);
    expect([...bodies[0]!][0]).not.toBe([...bodies[1]!][0]);
    const s = await state(t);
    expect(s.orders.filter((o) => o.idempotency_key === 'shared-key').map((o) => o.account_id).sort()).toEqual(['first', 'second']);
    expect(s.accounts.filter((a) => a.id === 'first' || a.id === 'second').map((a) => a.balance)).toEqual([8, 8]);
  });
});

describe('the rate limit under simultaneous requests', () => {
  it('lets exactly the limit of 30 simultaneous purchases through, and the refused ones buy nothing', async () => {
    const t = await sandbox(10);
    await addProduct(t, 'rl', 1, 100);
    const key = await addAccount(t, 'limited', 100);

    const answers = await Promise.all(Array.from({ length: 30 }, () => t.purchase({ product_id: 'rl', quantity: 1 }, { key })));

    expect(statusCounts(answers)).toEqual({ 200: 10, 429: 20 });
    for (const a of answers.filter((a) => a.status === 429)) {
      expect(a.json.code).toBe('RATE_LIMITED');
      expect(Number(a.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    }
    const s = await state(t);
    expect(s.products.find((p) => p.id === 'rl')).toMatchObject({ sold: 10 });
    expect(s.accounts.find((a) => a.id === 'limited')!.balance).toBe(90);
  });
});
