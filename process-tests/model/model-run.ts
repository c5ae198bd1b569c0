/**
 * Runs generated operations against real servers in parallel batches and holds every answer and
 * the final state to the reference model (sandbox-model.ts). One run: load a fresh fixture (new
 * keys, so nothing of earlier runs counts), play the batches, compare GET /_mock/state.
 */
import fc from 'fast-check';
import { fromMicros, toMicros } from '../../spec/money.js';
import { readAnswer } from '../../server/test-support/test-app.js';
import { explainBatch, SandboxModel, type ModelStart, type Observed, type Op } from './sandbox-model.js';

/** Requests per key and wrong keys per address within a window; small enough that both are reached. */
export const MODEL_RATE_LIMIT = 6;
/** Half an hour: every clock move (a whole hour or more) starts a new window. */
export const MODEL_RATE_WINDOW_SECONDS = 1800;
const PRODUCTS = ['p0', 'p1', 'p2', 'p3'] as const;

/** The fixture of run `run`: fresh keys; wallets and stock small enough that 402 and 409 come often. */
export function modelStart(run: string): ModelStart {
  const balances = ['5', '2.5', '1', '0.35', '12', '3'];
  return {
    rateLimit: MODEL_RATE_LIMIT,
    accounts: balances.map((balance, i) => ({
      id: `a${i}`,
      key: `mk_model_${run}_a${i}`,
      balance: toMicros(balance)!,
      status: i === 5 ? 'suspended' : 'active',
    })),
    products: [
      { id: 'p0', name: 'Model dime', price: toMicros('0.1')!, stock: 8, sold: 0 },
      { id: 'p1', name: 'Model quarter', price: toMicros('0.25')!, stock: 3, sold: 0 },
      { id: 'p2', name: 'Model one-fifty', price: toMicros('1.5')!, stock: 2, sold: 0 },
      { id: 'p3', name: 'Model sold out', price: toMicros('3')!, stock: 0, sold: 0 },
    ],
  };
}

// No fault rules: the model knows none, and a reset brings back only the fixture's (none) and the
// configuration's (spawnSandbox passes none). The journal records every request; the model ignores it.
const fixtureOf = (start: ModelStart) => ({
  description: 'model-based test',
  faults: [],
  accounts: start.accounts.map((a) => ({ id: a.id, balance: fromMicros(a.balance), status: a.status, keys: [{ key: a.key, revoked: false }] })),
  products: start.products.map((p) => ({ id: p.id, name: p.name, price: fromMicros(p.price), stock: p.stock })),
});

/** One operation, any kind, weighted towards purchases; `servers` processes to spread them over. */
export function opArbitrary(servers: number): fc.Arbitrary<Op> {
  const server = fc.integer({ min: 0, max: servers - 1 });
  const account = fc.integer({ min: 0, max: 5 });
  const product = fc.constantFrom<string>('p0', 'p0', 'p1', 'p2', 'p3');
  const idem = fc.option(fc.constantFrom('i0', 'i1', 'i2'), { nil: undefined, freq: 2 });
  const op = <K extends Op['kind']>(kind: K, fields: Record<string, fc.Arbitrary<unknown>>) =>
    fc.record({ kind: fc.constant(kind), ...fields, server }) as unknown as fc.Arbitrary<Op>;
  return fc.oneof(
    { weight: 40, arbitrary: op('purchase', { account, product, quantity: fc.integer({ min: 1, max: 3 }), idem }) },
    { weight: 4, arbitrary: op('purchase', { account, product: fc.constantFrom('p9', 'p0'), quantity: fc.constantFrom(0, 11, 1), idem }) },
    { weight: 7, arbitrary: op('balance', { account }) },
    { weight: 4, arbitrary: op('products', { account }) },
    { weight: 9, arbitrary: op('badKey', { guess: fc.string({ unit: fc.constantFrom(...'abcdefghij'), minLength: 4, maxLength: 8 }) }) },
    { weight: 2, arbitrary: op('noKey', {}) },
    { weight: 8, arbitrary: op('topUp', { account, amount: fc.integer({ min: 1, max: 40 }).map((n) => n * 50_000) }) },
    { weight: 2, arbitrary: op('suspend', { account }) },
    { weight: 4, arbitrary: op('reactivate', { account }) },
    { weight: 6, arbitrary: op('restock', { product: fc.constantFrom(...PRODUCTS), count: fc.integer({ min: 1, max: 4 }) }) },
    { weight: 3, arbitrary: op('tick', {}) },
    { weight: 1, arbitrary: op('leap', {}) },
    { weight: 1, arbitrary: op('reset', {}) },
  );
}

/** A run: `length` operations and the sizes of the parallel batches they are cut into. */
export const runArbitrary = (servers: number, length: number) =>
  fc.tuple(
    fc.array(opArbitrary(servers), { minLength: length, maxLength: length }),
    fc.array(fc.integer({ min: 1, max: 6 }), { minLength: length, maxLength: length }),
  );

/** Cuts operations into batches of the given sizes; a clock move or a reset always runs alone. */
export function batches(ops: readonly Op[], sizes: readonly number[]): Op[][] {
  const out: Op[][] = [];
  let current: Op[] = [];
  let size = sizes[0] ?? 1;
  for (const op of ops) {
    if (op.kind === 'tick' || op.kind === 'leap' || op.kind === 'reset') {
      if (current.length) out.push(current);
      out.push([op]);
      current = [];
      continue;
    }
    current.push(op);
    if (current.length >= size) {
      out.push(current);
      current = [];
      size = sizes[out.length % sizes.length] ?? 1;
    }
  }
  if (current.length) out.push(current);
  return out;
}

async function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Observed> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await readAnswer(res);
  return { status: answer.status, text: answer.text, json: answer.json, replayed: answer.headers.get('Idempotent-Replayed') === 'true' };
}

function execute(start: ModelStart, bases: readonly string[], op: Op): Promise<Observed> {
  const base = bases[op.server % bases.length]!;
  const key = (account: number) => ({ 'X-API-Key': start.accounts[account]!.key });
  const id = (account: number) => start.accounts[account]!.id;
  switch (op.kind) {
    case 'purchase':
      return send(base, 'POST', '/api/v1/purchase', { ...key(op.account), ...(op.idem ? { 'Idempotency-Key': op.idem } : {}) }, {
        product_id: op.product,
        quantity: op.quantity,
      });
    case 'balance':
      return send(base, 'GET', '/api/v1/balance', key(op.account));
    case 'products':
      return send(base, 'GET', '/api/v1/products', key(op.account));
    case 'badKey':
      return send(base, 'GET', '/api/v1/balance', { 'X-API-Key': `mk_guess_${op.guess}` });
    case 'noKey':
      return send(base, 'GET', '/api/v1/balance');
    case 'topUp':
      return send(base, 'POST', `/_mock/accounts/${id(op.account)}/top-up`, {}, { amount: fromMicros(op.amount) });
    case 'suspend':
    case 'reactivate':
      return send(base, 'POST', `/_mock/accounts/${id(op.account)}/${op.kind}`);
    case 'restock':
      return send(base, 'POST', `/_mock/products/${op.product}/codes`, {}, { count: op.count });
    case 'tick':
      return send(base, 'POST', '/_mock/clock/advance', {}, { seconds: 3600 });
    case 'leap':
      return send(base, 'POST', '/_mock/clock/advance', {}, { seconds: 25 * 3600 });
    case 'reset':
      return send(base, 'POST', '/_mock/reset');
  }
}

/** Counts across runs: operations played, and every code any new order delivered (each must be new). */
export interface ModelTally {
  operations: number;
  batches: number;
  /** Most model states one point of a run left possible. */
  maxStates: number;
  codes: Set<string>;
  refusals: Record<string, number>;
}

export const newTally = (): ModelTally => ({ operations: 0, batches: 0, maxStates: 1, codes: new Set(), refusals: {} });

let runs = 0;
const runTag = `${process.pid.toString(36)}${Date.now().toString(36)}`;

/** One run of the property: throws with the batch and what the model expected when an answer does not fit. */
export async function playRun(bases: readonly string[], ops: readonly Op[], sizes: readonly number[], tally: ModelTally): Promise<void> {
  const start = modelStart(`${runTag}_${++runs}`);
  const loaded = await send(bases[0]!, 'POST', '/_mock/fixtures', {}, fixtureOf(start));
  if (loaded.status !== 200) throw new Error(`loading the run's fixture: ${loaded.status} ${loaded.text}`);
  // The states the answers so far leave possible (one, unless a batch could have ended two ways).
  let states = [new SandboxModel(start)];
  for (const batch of batches(ops, sizes)) {
    const seen = await Promise.all(batch.map((op) => execute(start, bases, op)));
    tally.operations += batch.length;
    tally.batches += 1;
    for (const answer of seen) {
      if (answer.status < 400) continue;
      const kind = `${answer.status} ${answer.json?.code}${answer.json?.limit_scope ? ` ${answer.json.limit_scope}` : ''}`;
      tally.refusals[kind] = (tally.refusals[kind] ?? 0) + 1;
    }
    batch.forEach((op, i) => {
      const answer = seen[i]!;
      if (op.kind !== 'purchase' || answer.status !== 200 || answer.replayed) return;
      for (const code of answer.json.codes as string[]) {
        if (tally.codes.has(code)) throw new Error(`code ${code} delivered twice (again in ${answer.text})`);
        tally.codes.add(code);
      }
    });
    const explained = explainBatch(
      states,
      batch.map((op, i) => ({ op, seen: seen[i]! })),
    );
    if ('error' in explained) throw new Error(explained.error);
    states = explained.states;
    tally.maxStates = Math.max(tally.maxStates, states.length);
  }
  const state = await send(bases[bases.length - 1]!, 'GET', '/_mock/state');
  const problems = states.map((model) => stateProblem(model, state.json));
  if (!problems.includes(undefined)) throw new Error(`final state: ${problems[0]}`);
}

/** GET /_mock/state against the model: wallets, statuses, stock, and exactly the model's orders with their codes. */
function stateProblem(model: SandboxModel, state: any): string | undefined {
  for (const account of model.accounts) {
    const found = state.accounts.find((a: any) => a.id === account.id);
    if (!found) return `account ${account.id} missing`;
    if (toMicros(found.balance) !== account.balance) return `${account.id}: balance ${found.balance}, model ${fromMicros(account.balance)}`;
    if (found.status !== account.status) return `${account.id}: status ${found.status}, model ${account.status}`;
  }
  for (const product of model.products.values()) {
    const found = state.products.find((p: any) => p.id === product.id);
    if (!found || found.stock !== product.stock || found.sold !== product.sold) {
      return `${product.id}: stock/sold ${found?.stock}/${found?.sold}, model ${product.stock}/${product.sold}`;
    }
  }
  const orders = state.orders as { account_id: string; product_id: string; quantity: number; total: number; codes: string[] }[];
  const key = (o: { account: string; product: string; quantity: number; total: number; codes: readonly string[] }) =>
    JSON.stringify([o.account, o.product, o.quantity, o.total, [...o.codes].sort()]);
  const stored = orders.map((o) => key({ account: o.account_id, product: o.product_id, quantity: o.quantity, total: toMicros(o.total)!, codes: o.codes })).sort();
  const expected = model.orders.map((o) => key({ account: o.accountId, product: o.productId, quantity: o.quantity, total: o.total, codes: o.codes })).sort();
  if (JSON.stringify(stored) !== JSON.stringify(expected)) return `orders differ:\n  stored ${stored.join('\n         ')}\n  model  ${expected.join('\n         ')}`;
  const codes = orders.flatMap((o) => o.codes);
  if (new Set(codes).size !== codes.length) return 'a code belongs to two orders';
  return undefined;
}
