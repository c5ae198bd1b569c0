/**
 * What a case body gets: clients for the target, and the state it needs. On the mock every case
 * makes its own account and product through the control API (independent, fast); on a live
 * target it works with the given account and derives preconditions from the API, skipping with
 * a reason when the store cannot provide them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, type ApiSchemas, type ClientDeps, type Waiter } from './api-client.js';
import { CaseFailure, expectAnswer } from './assertions.js';
import type { ContractCase } from './contract-case.js';
import { ControlClient, type ControlSchemas } from './control-client.js';
import { formatUsdt, parseUsdt, times, toMicros, type Micros } from './money.js';
import { Pacer, realClock, type Clock } from './pacer.js';
import type { Ledger } from './run-ledger.js';
import { remaining } from './spend-book.js';
import type { SpecValidator } from './spec-validator.js';
import type { TargetInfo } from './target.js';

/** Thrown by a case body that cannot run here; the wrapper turns it into a skip with the reason. */
export class CaseSkip extends Error {
  override name = 'CaseSkip';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface KitDeps {
  target: TargetInfo;
  publicSpec: SpecValidator;
  controlSpec: SpecValidator;
  ledger: Ledger;
  clock?: Clock;
  log?: (line: string) => void;
}

export interface BuyerSpec {
  /** Mock: the wallet and product made for the case. */
  mock: { balance: string; price: string; stock: number };
  /** Live: units the case buys from one product in total (the product needs that much stock). */
  units: number;
  /** Live: stock the chosen product must have at least (default: units). */
  minStock?: number;
}

export interface Buyer {
  api: ApiClient;
  /** The mock account id; null on a live target. */
  accountId: string | null;
  product: ApiSchemas['Product'];
  price: Micros;
  /** The balance when the case started. */
  balance: Micros;
}

/** Set while a case runs its mock-only extras (kit.onMock): their requests are not counted. */
const mockExtras = new AsyncLocalStorage<true>();

let idCounter = 0;
const runTag = `${Date.now().toString(36)}${process.pid.toString(36)}`;

/** An id no other case or run uses, within the control API's id pattern. */
export const freshId = (prefix: string): string => `${prefix}-${runTag}-${++idCounter}`;

export class MockTools {
  constructor(
    readonly control: ControlClient,
    private readonly makeClient: (key: string | null) => ApiClient,
  ) {}

  async account(balance: string, status: 'active' | 'suspended' = 'active') {
    const { key, account } = await this.control.createAccount({ balance, status, id: freshId('ct') });
    return { id: account.id, key, api: this.makeClient(key) };
  }

  async product(price: string, stock: number, name = 'Contract test product') {
    const id = freshId('ct');
    const product = await this.control.putProduct(id, { name, price, stock });
    return { id, price: parseUsdt(price), stock: product.stock };
  }

  async advance(seconds: number): Promise<void> {
    await this.control.advanceClock(seconds);
  }

  settings(): Promise<ControlSchemas['Settings']> {
    return this.control.settings();
  }

  /** Moves past the rate window, so failed logins of earlier cases from this address are forgotten. */
  async freshRateWindow(): Promise<void> {
    const { rate_window_seconds } = await this.settings();
    await this.advance(rate_window_seconds + 1);
  }
}

/**
 * @example
 *   const kit = new CaseKit(caseById('balance.ok'), deps);
 *   const buyer = await kit.buyer({ mock: { balance: '10', price: '1', stock: 5 }, units: 1 });
 */
export class CaseKit {
  /** The case this kit serves (one kit per case run). */
  readonly case: ContractCase;
  readonly target: TargetInfo;
  /** A client with the live account's key (no key on the mock: use a buyer or mock.account). */
  readonly api: ApiClient;
  readonly mock: MockTools | null;
  readonly pacer: Pacer | null;
  readonly clock: Clock;
  readonly publicSpec: SpecValidator;
  readonly #ledger: Ledger;
  readonly #log: (line: string) => void;
  #requestsSent = 0;
  #rateLimit: Promise<{ limit: number; window: number }> | undefined;

  constructor(contractCase: ContractCase, deps: KitDeps) {
    this.case = contractCase;
    this.target = deps.target;
    this.clock = deps.clock ?? realClock;
    this.publicSpec = deps.publicSpec;
    this.#ledger = deps.ledger;
    this.#log = deps.log ?? ((line) => console.log(`[contract] ${line}`));
    const live = this.target.kind === 'live';
    const control = live ? null : new ControlClient(this.target.baseUrl, this.target.controlToken ?? undefined, deps.controlSpec);
    this.pacer = live
      ? new Pacer(
          deps.ledger,
          {
            limit: this.target.paceLimit,
            windowSeconds: this.target.paceWindowSeconds,
            // Short waits happen all the time once the window is full; only long ones are news.
            onWait: (ms, why) => (ms >= 5_000 ? this.#log(`pacing: waiting ${Math.ceil(ms / 1000)} s (${why})`) : undefined),
          },
          this.clock,
        )
      : null;
    const waiter: Waiter = control
      ? async (seconds) => {
          await control.advanceClock(seconds);
        }
      : (seconds) => this.clock.sleep(seconds * 1000);
    const clientDeps: ClientDeps = {
      baseUrl: this.target.baseUrl,
      validator: deps.publicSpec,
      ledger: deps.ledger,
      pacer: this.pacer,
      waiter,
      log: this.#log,
      onRequest: () => {
        if (!mockExtras.getStore()) this.#requestsSent += 1;
      },
      onOrder: live ? (order) => this.#keepLiveOrder(order) : undefined,
    };
    this.api = new ApiClient(clientDeps, live ? this.target.apiKey : null);
    this.mock = control ? new MockTools(control, (key) => this.api.withKey(key)) : null;
  }

  get isLive(): boolean {
    return this.target.kind === 'live';
  }

  log(line: string): void {
    this.#log(`${this.case.id}: ${line}`);
  }

  skip(reason: string): never {
    throw new CaseSkip(reason);
  }

  /**
   * Public-API requests the case has sent through its clients, mock-only extras (onMock) left out:
   * what it would have sent on a live target. The case's `requests` must cover it.
   */
  get requestsSent(): number {
    return this.#requestsSent;
  }

  /**
   * Mock-only extras: runs `extra` on the mock, and nothing on a live target (resolves undefined).
   * The public-API requests it sends are not counted against the case's `requests`, which is what
   * the case sends on a live target.
   *
   * @example
   *   await kit.onMock(async (mock) => { ...checks the live API does not promise... });
   */
  async onMock<T>(extra: (mock: MockTools) => Promise<T>): Promise<T | undefined> {
    const mock = this.mock;
    if (!mock) return undefined;
    return mockExtras.run(true, () => extra(mock));
  }

  /** The rate limit the case meets: the mock's settings, or on live the limit the client paces under. */
  rateLimit(): Promise<{ limit: number; window: number }> {
    this.#rateLimit ??= this.mock
      ? this.mock.settings().then((s) => ({ limit: s.rate_limit, window: s.rate_window_seconds }))
      : Promise.resolve({ limit: this.target.paceLimit, window: this.target.paceWindowSeconds });
    return this.#rateLimit;
  }

  /** The mock's tools; fails the case when called against a live target (a case that should say mockOnly). */
  requireMock(): MockTools {
    if (!this.mock) throw new CaseFailure(`${this.case.id} needs the mock's control API; give it a mockOnly reason`);
    return this.mock;
  }

  /** Lets time pass: the virtual clock on the mock, real time (bounded by the case timeout) on live. */
  async wait(seconds: number, why: string): Promise<void> {
    if (this.mock) return this.mock.advance(seconds);
    this.log(`waiting ${seconds} s (${why})`);
    await this.clock.sleep(seconds * 1000);
  }

  /** Money left under AI_MARKET_ALLOW_SPEND (null: no cap, the mock). */
  allowanceLeft(): Micros | null {
    return remaining(this.#ledger);
  }

  async balanceOf(api: ApiClient): Promise<Micros> {
    return toMicros(expectAnswer(await api.getBalance(), 200, 'reading the balance').balance);
  }

  async productsOf(api: ApiClient): Promise<ApiSchemas['Product'][]> {
    return expectAnswer(await api.listProducts(), 200, 'reading the products').products;
  }

  async productOf(api: ApiClient, id: string): Promise<ApiSchemas['Product']> {
    const product = (await this.productsOf(api)).find((p) => p.id === id);
    if (!product) throw new CaseFailure(`product ${id} is missing from GET /products`);
    return product;
  }

  /**
   * A wallet and a product to buy from. Mock: made fresh. Live: the configured account and the
   * cheapest product with enough stock whose worst-case cost fits the balance and the allowance.
   */
  async buyer(spec: BuyerSpec): Promise<Buyer> {
    if (this.mock) {
      const account = await this.mock.account(spec.mock.balance);
      const made = await this.mock.product(spec.mock.price, spec.mock.stock);
      const product = await this.productOf(account.api, made.id);
      return { api: account.api, accountId: account.id, product, price: made.price, balance: parseUsdt(spec.mock.balance) };
    }
    const balance = await this.balanceOf(this.api);
    const products = await this.productsOf(this.api);
    const units = Math.max(spec.units, this.case.spendUnits ?? 0);
    const allowance = this.allowanceLeft() ?? 0;
    const candidates = products
      .filter((p) => p.in_stock && p.stock >= (spec.minStock ?? spec.units) && p.price > 0)
      .map((p) => ({ product: p, price: toMicros(p.price) }))
      .sort((a, b) => a.price - b.price);
    const choice = candidates.find((c) => times(c.price, units) <= Math.min(balance, allowance));
    if (!choice) {
      const cheapest = candidates[0];
      this.skip(
        cheapest
          ? `needs ${units} × ${formatUsdt(cheapest.price)} USDT (cheapest product with stock ≥ ${spec.minStock ?? spec.units}); ` +
              `balance ${formatUsdt(balance)}, allowance left ${formatUsdt(allowance)}`
          : `no product with stock ≥ ${spec.minStock ?? spec.units} and a price above 0`,
      );
    }
    return { api: this.api, accountId: null, product: choice.product, price: choice.price, balance };
  }

  /** Codes bought with real money are kept (reports/ is git-ignored), so they are not lost. */
  #keepLiveOrder(order: { orderId: string; productId: string; quantity: number; codes: string[] }): void {
    mkdirSync(this.target.reportsDir, { recursive: true });
    appendFileSync(
      join(this.target.reportsDir, 'live-purchases.jsonl'),
      `${JSON.stringify({ at: new Date().toISOString(), case: this.case.id, ...order })}\n`,
    );
  }
}
