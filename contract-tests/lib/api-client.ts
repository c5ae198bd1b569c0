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
import type { components, operations } from '../../spec/generated/api-types.js';

/** The public API's operations and bodies, as openapi-typescript generates them from spec/openapi.yaml. */
export type OperationId = keyof operations;
export type ApiSchemas = components['schemas'];
type Responses<O extends OperationId> = operations[O]['responses'];
/** The statuses spec/openapi.yaml declares for an operation. */
export type StatusOf<O extends OperationId> = keyof Responses<O> & number;
/** The JSON body the spec declares for an operation's status. */
export type BodyOf<O extends OperationId, S extends StatusOf<O>> = Responses<O>[S] extends { content: { 'application/json': infer B } }
  ? B
  : never;

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
  /**
   * Called once for each request a caller asks for (not for the client's own retry after an
   * unasked-for 429, which the ledger counts apart): the case kit counts a case's requests.
   */
  onRequest?: () => void;
  /** Called with every new live order, so bought codes are not lost. */
  onOrder?: (order: { orderId: string; productId: string; quantity: number; codes: string[] }) => void;
  requestTimeoutMs?: number;
}

export interface ApiResponse<O extends OperationId = OperationId> {
  operation: O;
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (undefined when it was not JSON; the validator has then complained). */
  body: unknown;
}

/** The answer to a request the spec does not declare; `path` is the full path sent. */
export interface UndeclaredResponse {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  text: string;
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

/** `retry_after_seconds` of a 429 (body first, then the header), at least 1. */
export function retryAfterOf(response: ApiResponse): number {
  const fromBody = (response.body as Partial<ApiSchemas['RateLimitedError']> | undefined)?.retry_after_seconds;
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

  getBalance(options: CallOptions = {}): Promise<ApiResponse<'getBalance'>> {
    return this.#send('getBalance', undefined, {}, options);
  }

  async listProducts(options: CallOptions = {}): Promise<ApiResponse<'listProducts'>> {
    const response = await this.#send('listProducts', undefined, {}, options);
    if (response.status === 200) {
      for (const p of (response.body as ApiSchemas['ProductListResponse']).products) {
        ApiClient.#priceCache.set(p.id, Math.round(p.price * 1e6));
      }
    }
    return response;
  }

  async purchase(body: unknown, options: PurchaseOptions = {}): Promise<ApiResponse<'purchase'>> {
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
  #book(response: ApiResponse<'purchase'>, body: unknown, options: PurchaseOptions): Violation[] {
    if (response.status !== 200) return [];
    const order = response.body as Partial<ApiSchemas['PurchaseResponse']>;
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

  /**
   * A request the spec does not declare (an unknown path, a method a path does not allow), for the
   * routing cases: paced and booked like any other, but judged by the case, not by an operation.
   * `path` is below the API base, e.g. `/does-not-exist`.
   */
  async undeclared(method: string, path: string, options: CallOptions = {}): Promise<UndeclaredResponse> {
    const fullPath = `${this.deps.validator.basePath()}${path}`;
    this.deps.onRequest?.();
    const answer = await this.#fetch(method, fullPath, {}, undefined, options);
    return { method, path: fullPath, status: answer.status, headers: answer.headers, text: await answer.text() };
  }

  /** Paces, books and sends one request. */
  async #fetch(method: string, path: string, extraHeaders: Record<string, string>, payload: string | undefined, options: CallOptions) {
    const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
    if (this.key !== null) headers['X-API-Key'] = this.key;
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    const pacer = this.deps.pacer;
    if (pacer) {
      if (options.paced === false) pacer.record();
      else await pacer.acquire();
    }
    this.deps.ledger.update((state) => {
      state.requests += 1;
    });
    return fetch(`${this.deps.baseUrl}${path}`, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(this.deps.requestTimeoutMs ?? 15_000),
    });
  }

  async #send<O extends OperationId>(
    operation: O,
    payload: string | undefined,
    extraHeaders: Record<string, string>,
    options: CallOptions,
    afterAnswer?: (response: ApiResponse<O>) => Violation[],
  ): Promise<ApiResponse<O>> {
    // Method and path come from spec/openapi.yaml: the first server's path (/api/v1) and the operation's.
    const { method, path } = this.deps.validator.route(operation);
    this.deps.onRequest?.();
    const retries = options.retryOn429 === false ? 0 : 2;
    for (let attempt = 0; ; attempt++) {
      const answer = await this.#fetch(method, path, extraHeaders, payload, options);
      const text = await answer.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const response: ApiResponse<O> = { operation, status: answer.status, headers: answer.headers, text, body };
      const violations = [...this.deps.validator.check(operation, response), ...(afterAnswer?.(response) ?? [])];
      if (violations.length > 0) throw new ContractViolationError(`${operation} (${method} ${path})`, response.status, violations, text);
      if (response.status === 429 && attempt < retries) {
        const seconds = retryAfterOf(response);
        this.deps.ledger.update((state) => {
          state.unexpected429 += 1;
        });
        this.deps.pacer?.block(seconds);
        this.deps.log?.(`${operation}: unexpected 429, waiting ${seconds} s as retry_after_seconds asks`);
        await this.deps.waiter(seconds, 'retry_after_seconds of an unexpected 429');
        continue;
      }
      return response;
    }
  }
}
