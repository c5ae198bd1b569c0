/**
 * A small reference model of the sandbox: wallets to the micro-unit, stock, idempotency records,
 * per-key rate windows, the failed-authentication lock of the one client address the tests use,
 * the keys that address is known to use, suspension, and the orders since the last reset. `apply`
 * takes one operation and the answer the server gave, and says whether the model predicts exactly
 * that answer from its state (then moves to the state after it) or what differs. It mirrors the
 * order of checks in server/api/api-app.ts, step for step.
 *
 * Time is counted in hours of the virtual clock: the tests move it by whole hours (`tick`) or by
 * 25 h (`leap`), with a rate window of 30 minutes and the 24 h idempotency and trust periods, so
 * each expiry falls on a move and the few seconds of real time a run takes never decide one.
 */
import { fromMicros, toMicros } from '../../spec/money.js';

export interface ModelAccount {
  id: string;
  key: string;
  balance: number;
  status: 'active' | 'suspended';
}

export interface ModelProduct {
  id: string;
  name: string;
  price: number;
  stock: number;
  sold: number;
}

export interface ModelOrder {
  accountId: string;
  productId: string;
  quantity: number;
  total: number;
  codes: string[];
}

/** One operation. `account` and `product` are indexes/ids into the run's fixture. */
export type Op =
  | { kind: 'purchase'; account: number; product: string; quantity: number; idem?: string; server: number }
  | { kind: 'balance'; account: number; server: number }
  | { kind: 'products'; account: number; server: number }
  | { kind: 'badKey'; guess: string; server: number }
  | { kind: 'noKey'; server: number }
  | { kind: 'topUp'; account: number; amount: number; server: number }
  | { kind: 'suspend' | 'reactivate'; account: number; server: number }
  | { kind: 'restock'; product: string; count: number; server: number }
  | { kind: 'tick' | 'leap' | 'reset'; server: number };

/** What the server answered. */
export interface Observed {
  status: number;
  text: string;
  json: any;
  replayed: boolean;
}

interface IdempotencyRecord {
  fingerprint: string;
  text: string;
  at: number;
}

const HOUR = 1;
const DAY = 24 * HOUR;

/** The run's starting point: what the fixture loads and a reset returns to. */
export interface ModelStart {
  accounts: readonly ModelAccount[];
  products: readonly ModelProduct[];
  rateLimit: number;
}

export class SandboxModel {
  accounts: ModelAccount[];
  products: Map<string, ModelProduct>;
  idempotency = new Map<string, IdempotencyRecord>();
  /**
   * Requests counted per key in the current rate window, as a range: a purchase refused 403 may
   * have been counted (its account was suspended after the suspension stage passed it, and its
   * transaction refused it) or not. A 429, or its absence, near the limit narrows the range.
   */
  hits = new Map<string, { min: number; max: number }>();
  /** Wrong keys from the address in the current window. */
  failures = 0;
  /** Key -> the hour it last authenticated from the address. Kept across resets, like the server. */
  trust = new Map<string, number>();
  hours = 0;
  orders: ModelOrder[] = [];

  constructor(readonly start: ModelStart) {
    this.accounts = start.accounts.map((a) => ({ ...a }));
    this.products = new Map(start.products.map((p) => [p.id, { ...p }]));
  }

  /** The state as one string: two serial orders that end alike give the same. */
  fingerprint(): string {
    return JSON.stringify([
      this.accounts,
      [...this.products.values()],
      [...this.idempotency].sort(([a], [b]) => (a < b ? -1 : 1)),
      [...this.hits].sort(([a], [b]) => (a < b ? -1 : 1)),
      this.failures,
      [...this.trust].sort(([a], [b]) => (a < b ? -1 : 1)),
      this.hours,
      this.orders.map((o) => o.codes.join()).sort(),
    ]);
  }

  clone(): SandboxModel {
    const copy = Object.create(SandboxModel.prototype) as SandboxModel;
    Object.assign(copy, this);
    copy.accounts = this.accounts.map((a) => ({ ...a }));
    copy.products = new Map([...this.products].map(([id, p]) => [id, { ...p }]));
    copy.idempotency = new Map(this.idempotency);
    copy.hits = new Map([...this.hits].map(([key, range]) => [key, { ...range }]));
    copy.trust = new Map(this.trust);
    copy.orders = [...this.orders];
    return copy;
  }

  /** Undefined when the model predicts exactly this answer (and has moved on), else what differs. */
  apply(op: Op, seen: Observed): string | undefined {
    switch (op.kind) {
      case 'tick':
      case 'leap':
        if (seen.status !== 200) return `clock move answered ${seen.status}`;
        this.hours += op.kind === 'tick' ? HOUR : DAY + HOUR;
        this.newWindow();
        return undefined;
      case 'reset':
        if (seen.status !== 200) return `reset answered ${seen.status}`;
        this.accounts = this.start.accounts.map((a) => ({ ...a }));
        this.products = new Map(this.start.products.map((p) => [p.id, { ...p }]));
        this.idempotency.clear();
        this.orders = [];
        this.hours = 0;
        this.newWindow();
        return undefined;
      case 'noKey':
        return expectError(seen, 401, 'NO_KEY');
      case 'badKey': {
        if (this.locked()) return expectLocked(seen);
        this.failures += 1;
        return expectError(seen, 401, 'INVALID_KEY');
      }
      case 'topUp': {
        const account = this.accounts[op.account]!;
        account.balance += op.amount;
        return expectFields(seen, 200, { balance: fromMicros(account.balance), status: account.status });
      }
      case 'suspend':
      case 'reactivate': {
        const account = this.accounts[op.account]!;
        account.status = op.kind === 'suspend' ? 'suspended' : 'active';
        return expectFields(seen, 200, { balance: fromMicros(account.balance), status: account.status });
      }
      case 'restock': {
        const product = this.products.get(op.product)!;
        product.stock += op.count;
        return expectFields(seen, 200, { stock: product.stock, sold: product.sold, in_stock: product.stock > 0 });
      }
      case 'balance':
      case 'products':
      case 'purchase':
        return this.api(op, seen);
    }
  }

  private newWindow() {
    this.hits.clear();
    this.failures = 0;
  }

  private locked() {
    return this.failures >= this.start.rateLimit;
  }

  /** Stages 2-4 of the API, then the operation. */
  private api(op: Extract<Op, { kind: 'balance' | 'products' | 'purchase' }>, seen: Observed): string | undefined {
    const account = this.accounts[op.account]!;
    // 2. The key: a locked address accepts only a key it is known to use.
    const lastSeen = this.trust.get(account.key);
    if (this.locked() && !(lastSeen !== undefined && this.hours - lastSeen < DAY)) return expectLocked(seen);
    // The server writes a success only over an older record (one from an earlier hour: runs take
    // seconds, its rewrite interval is a minute); the write forgets records 24 h old or older, for
    // good: a clock moved back later (a reset) does not bring them back.
    if (lastSeen === undefined || lastSeen < this.hours) {
      for (const [key, at] of this.trust) if (this.hours - at >= DAY) this.trust.delete(key);
      this.trust.set(account.key, this.hours);
    }
    // 3. Suspension, 4. the key's rate limit (a 429 is not counted).
    const hits = this.hits.get(account.key) ?? { min: 0, max: 0 };
    this.hits.set(account.key, hits);
    if (account.status === 'suspended') {
      const wrong = expectError(seen, 403, 'FORBIDDEN');
      if (!wrong && op.kind === 'purchase') hits.max += 1;
      return wrong;
    }
    const limit = this.start.rateLimit;
    const limited = seen.status === 429 && seen.json?.limit_scope === 'key';
    if (hits.min >= limit || (hits.max >= limit && limited)) {
      hits.min = Math.max(hits.min, limit);
      return expectError(seen, 429, 'RATE_LIMITED', { limit_scope: 'key' });
    }
    hits.max = Math.min(hits.max, limit - 1);
    hits.min += 1;
    hits.max += 1;

    if (op.kind === 'balance') return expectFields(seen, 200, { balance: fromMicros(account.balance), currency: 'USDT' });
    if (op.kind === 'products') {
      if (seen.status !== 200) return `GET /products answered ${seen.status} ${seen.text}`;
      const want = [...this.products.values()]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((p) => ({ id: p.id, name: p.name, price: fromMicros(p.price), stock: p.stock, in_stock: p.stock > 0 }));
      const got = JSON.stringify(seen.json.products);
      return got === JSON.stringify(want) ? undefined : `products: expected ${JSON.stringify(want)}, got ${got}`;
    }
    return this.purchase(op, account, seen);
  }

  /** Stages 5-11: the body, the idempotent replay, product, stock, balance, success. */
  private purchase(op: Extract<Op, { kind: 'purchase' }>, account: ModelAccount, seen: Observed): string | undefined {

    // 5. The body.
    if (!Number.isInteger(op.quantity) || op.quantity < 1 || op.quantity > 10) return expectError(seen, 400, 'VALIDATION');
    // 7. Idempotent replay, or a key reused with another body.
    const fingerprint = JSON.stringify([op.product, op.quantity]);
    const recordId = `${account.id}\n${op.idem}`;
    if (op.idem !== undefined) {
      const record = this.idempotency.get(recordId);
      if (record && this.hours - record.at >= DAY) this.idempotency.delete(recordId);
      else if (record && record.fingerprint !== fingerprint) return expectError(seen, 422, 'IDEMPOTENCY_KEY_REUSED');
      else if (record) {
        if (seen.status !== 200 || !seen.replayed) return `expected a replay of ${record.text}, got ${seen.status} replayed=${seen.replayed} ${seen.text}`;
        return seen.text === record.text ? undefined : `replay differs: stored ${record.text}, got ${seen.text}`;
      }
    }
    // 8. Product, 9. stock, 10. balance.
    const product = this.products.get(op.product);
    if (!product) return expectError(seen, 404, 'PRODUCT_NOT_FOUND');
    if (op.quantity > product.stock) return expectError(seen, 409, 'OUT_OF_STOCK', { requested: op.quantity, stock: product.stock });
    const total = product.price * op.quantity;
    if (total > account.balance) {
      return expectError(seen, 402, 'INSUFFICIENT_BALANCE', { required: fromMicros(total), available: fromMicros(account.balance) });
    }
    // 11. Success.
    if (seen.status !== 200 || seen.replayed) return `expected a new order, got ${seen.status} replayed=${seen.replayed} ${seen.text}`;
    account.balance -= total;
    product.stock -= op.quantity;
    product.sold += op.quantity;
    const body = seen.json as { success: boolean; order_id: string; codes: string[]; balance_remaining: number };
    if (toMicros(body.balance_remaining) !== account.balance) return `balance_remaining ${body.balance_remaining}, expected ${fromMicros(account.balance)}`;
    if (!Array.isArray(body.codes) || body.codes.length !== op.quantity) return `expected ${op.quantity} codes, got ${JSON.stringify(body.codes)}`;
    if (!body.codes.every((code) => code.startsWith(`SBX-${product.id}-`))) return `codes not of product ${product.id}: ${body.codes.join(', ')}`;
    this.orders.push({ accountId: account.id, productId: product.id, quantity: op.quantity, total, codes: body.codes });
    if (op.idem !== undefined) this.idempotency.set(recordId, { fingerprint, text: seen.text, at: this.hours });
    return undefined;
  }
}

function expectError(seen: Observed, status: number, code: string, fields: Record<string, unknown> = {}): string | undefined {
  if (seen.status !== status || seen.json?.code !== code) return `expected ${status} ${code}, got ${seen.status} ${seen.text}`;
  return expectFields(seen, status, { success: false, ...fields });
}

function expectLocked(seen: Observed): string | undefined {
  const wrong = expectError(seen, 429, 'RATE_LIMITED', { limit_scope: 'failed_auth_address' });
  if (wrong) return `the address is locked: ${wrong}`;
  return Number.isInteger(seen.json.retry_after_seconds) && seen.json.retry_after_seconds >= 1 ? undefined : `no retry_after_seconds: ${seen.text}`;
}

function expectFields(seen: Observed, status: number, fields: Record<string, unknown>): string | undefined {
  if (seen.status !== status) return `expected ${status}, got ${seen.status} ${seen.text}`;
  for (const [name, value] of Object.entries(fields)) {
    if (JSON.stringify(seen.json?.[name]) !== JSON.stringify(value)) return `${name}: expected ${JSON.stringify(value)}, got ${seen.text}`;
  }
  return undefined;
}

/** More states than this after a batch: the test gives up rather than search on. */
const MAX_STATES = 256;

/**
 * The answers of one parallel batch, explained: every serial order of its operations in which the
 * model predicts every answer (what the server's transactions may have done), starting from each
 * state the earlier batches left possible. Returns the distinct states those orders end in: two
 * orders can explain the same answers and still end apart (a suspend and a reactivate of one
 * account side by side each answer the status they set), and later answers decide between them.
 * Depth-first, pruned at the first answer the model does not predict; a state reached twice with
 * the same operations left is explored once.
 */
export function explainBatch(
  states: readonly SandboxModel[],
  batch: readonly { op: Op; seen: Observed }[],
): { states: SandboxModel[] } | { error: string } {
  const ends = new Map<string, SandboxModel>();
  const visited = new Set<string>();
  const search = (current: SandboxModel, remaining: readonly number[]) => {
    const fingerprint = current.fingerprint();
    if (remaining.length === 0) {
      ends.set(fingerprint, current);
      return;
    }
    const node = `${remaining.join()}|${fingerprint}`;
    if (visited.has(node)) return;
    visited.add(node);
    for (const index of remaining) {
      const { op, seen } = batch[index]!;
      const next = current.clone();
      if (next.apply(op, seen) !== undefined) continue;
      search(
        next,
        remaining.filter((i) => i !== index),
      );
      if (ends.size > MAX_STATES) return;
    }
  };
  for (const state of states) search(state, batch.map((_, i) => i));
  if (ends.size > MAX_STATES) return { error: `more than ${MAX_STATES} states explain the answers; the model cannot follow` };
  if (ends.size > 0) return { states: [...ends.values()] };
  // No order explains it: say what each answer would have been, had it run first.
  const first = states[0]!;
  const lines = batch.map(({ op, seen }) => `  ${JSON.stringify(op)} -> ${seen.status} ${seen.text.slice(0, 300)}\n     first: ${first.clone().apply(op, seen) ?? 'as predicted'}`);
  return { error: `no serial order of this parallel batch explains its answers (from ${states.length} possible states):\n${lines.join('\n')}` };
}
