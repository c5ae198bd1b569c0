/**
 * The public API client every case uses. Each answer is judged against spec/openapi.yaml before
 * the case sees it; purchases pass the money guard first; on a live target requests are paced
 * under the documented limit, and an unasked-for 429 is honoured (wait retry_after_seconds, retry).
 */
import { formatUsdt, type Micros } from './money.js';
import type { Pacer } from './pacer.js';
import type { Ledger } from './run-ledger.js';
import { bookOrder, release, reserve } from './spend-book.js';
import { ContractViolationError, type SpecValidator, type Violation } from './spec-validator.js';
import type { ErrorBody, OperationId, ProductBody, PurchaseBody } from './api-types.js';

/** Lets time pass: real sleep on a live target, the virtual clock on the mock. */
export type Waiter = (seconds: number, why: string) => Promise<void>;

export interface ClientDeps {
  baseUrl: string;
  validator: SpecValidator;
  ledger: Ledger;
  /** null: no pacing (the mock; its clock is virtual and every case has fresh keys). */
  pacer: Pacer | null;
  waiter: Waiter;
  log?: (line: string) => void;
  /** Called with every new live order, so bought codes are not lost. */
  onOrder?: (order: { orderId: string; productId: string; quantity: number; codes: string[] }) => void;
  requestTimeoutMs?: number;
}

export interface ApiResponse {
  operation: OperationId;
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (undefined when it was not JSON; the validator has then complained). */
  body: unknown;
}

export interface CallOptions {
  /** Answer a 429 by waiting and retrying (default); false returns the 429 (the rate-limit case). */
  retryOn429?: boolean;
  /** false: send at once, only booking the request in the pacer (the rate-limit case). */
  paced?: boolean;
}

export interface PurchaseOptions extends CallOptions {
  idempotencyKey?: string;
  /** Sent as the body instead of JSON.stringify(body) (malformed-body cases). */
  rawBody?: string;
  /** Worst-case price × quantity; reserved against the allowance before sending. */
  cost?: Micros;
  /** Why this request cannot charge anything by the contract (an invalid body, a missing product…). */
  free?: string;
}

const ROUTES: Record<OperationId, { method: string; path: string }> = {
  getBalance: { method: 'GET', path: '/api/v1/balance' },
  listProducts: { method: 'GET', path: '/api/v1/products' },
  purchase: { method: 'POST', path: '/api/v1/purchase' },
};

export function errorOf(response: ApiResponse): ErrorBody {
  return response.body as ErrorBody;
}

/** `retry_after_seconds` of a 429 (body first, then the header), at least 1. */
export function retryAfterOf(response: ApiResponse): number {
  const fromBody = (response.body as ErrorBody | undefined)?.retry_after_seconds;
  const fromHeader = Number(response.headers.get('retry-after'));
  const seconds = typeof fromBody === 'number' ? fromBody : Number.isFinite(fromHeader) ? fromHeader : 1;
  return Math.max(1, Math.ceil(seconds));
}

/**
 * @example
 *   const api = new ApiClient(deps, 'mk_test_alice');
 *   const res = await api.getBalance(); // throws ContractViolationError on a broken answer
 */
export class ApiClient {
  /** Prices seen in the last product list, to price a purchase nobody priced. */
  static #priceCache = new Map<string, Micros>();

  constructor(
    readonly deps: ClientDeps,
    readonly key: string | null,
  ) {}

  withKey(key: string | null): ApiClient {
    return new ApiClient(this.deps, key);
  }

  getBalance(options: CallOptions = {}): Promise<ApiResponse> {
    return this.#send('getBalance', undefined, {}, options);
  }

  async listProducts(options: CallOptions = {}): Promise<ApiResponse> {
    const response = await this.#send('listProducts', undefined, {}, options);
    if (response.status === 200) {
      for (const p of (response.body as { products: ProductBody[] }).products) {
        ApiClient.#priceCache.set(p.id, Math.round(p.price * 1e6));
      }
    }
    return response;
  }

  async purchase(body: unknown, options: PurchaseOptions = {}): Promise<ApiResponse> {
    if (options.cost === undefined && options.free === undefined) {
      throw new Error('purchase() needs `cost` (worst-case price × quantity) or `free` (why it cannot charge)');
    }
    const what = `purchase ${JSON.stringify(body)}`;
    const reservation = reserve(this.deps.ledger, options.cost ?? 0, what);
    const headers: Record<string, string> = {};
    if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
    const payload = options.rawBody ?? JSON.stringify(body);
    try {
      return await this.#send('purchase', payload, headers, options, (response) => this.#book(response, body, options));
    } finally {
      release(this.deps.ledger, reservation);
    }
  }

  /** Books a 200 purchase; returns a violation when a code was delivered before. */
  #book(response: ApiResponse, body: unknown, options: PurchaseOptions): Violation[] {
    if (response.status !== 200) return [];
    const order = response.body as Partial<PurchaseBody>;
    if (typeof order.order_id !== 'string' || !Array.isArray(order.codes)) return [];
    const request = (body ?? {}) as { product_id?: unknown; quantity?: unknown };
    const quantity = typeof request.quantity === 'number' ? request.quantity : 1;
    const productId = String(request.product_id);
    let cost = options.cost;
    if (cost === undefined) {
      // A purchase that should have been free went through: book what it most likely cost.
      cost = (ApiClient.#priceCache.get(productId) ?? 0) * quantity;
      this.deps.log?.(`warning: a purchase sent as free (${options.free}) was charged about ${formatUsdt(cost)} USDT`);
    }
    const outcome = bookOrder(this.deps.ledger, order.order_id, order.codes.map(String), cost);
    if (outcome.kind === 'new') this.deps.onOrder?.({ orderId: order.order_id, productId, quantity, codes: order.codes.map(String) });
    return outcome.kind === 'violation' ? [{ where: '/codes', message: outcome.message }] : [];
  }

  async #send(
    operation: OperationId,
    payload: string | undefined,
    extraHeaders: Record<string, string>,
    options: CallOptions,
    afterAnswer?: (response: ApiResponse) => Violation[],
  ): Promise<ApiResponse> {
    const { method, path } = ROUTES[operation];
    const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
    if (this.key !== null) headers['X-API-Key'] = this.key;
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    const retries = options.retryOn429 === false ? 0 : 2;
    for (let attempt = 0; ; attempt++) {
      const pacer = this.deps.pacer;
      if (pacer) {
        if (options.paced === false) pacer.record();
        else await pacer.acquire();
      }
      this.deps.ledger.update((state) => {
        state.requests += 1;
      });
      const answer = await fetch(`${this.deps.baseUrl}${path}`, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(this.deps.requestTimeoutMs ?? 15_000),
      });
      const text = await answer.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const response: ApiResponse = { operation, status: answer.status, headers: answer.headers, text, body };
      const violations = [...this.deps.validator.check(operation, response), ...(afterAnswer?.(response) ?? [])];
      if (violations.length > 0) throw new ContractViolationError(`${operation} (${method} ${path})`, response.status, violations, text);
      if (response.status === 429 && attempt < retries) {
        const seconds = retryAfterOf(response);
        this.deps.ledger.update((state) => {
          state.unexpected429 += 1;
        });
        pacer?.block(seconds);
        this.deps.log?.(`${operation}: unexpected 429, waiting ${seconds} s as retry_after_seconds asks`);
        await this.deps.waiter(seconds, 'retry_after_seconds of an unexpected 429');
        continue;
      }
      return response;
    }
  }
}
