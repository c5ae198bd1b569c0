/**
 * The mock's control API (/_mock), used only when the target is the mock: it makes the state a
 * case needs (fresh accounts, products, suspension, revoked keys) and moves the virtual clock.
 * Its answers are judged against spec/control-openapi.yaml as well.
 */
import { ContractViolationError, type SpecValidator } from './spec-validator.js';

export interface ControlAccount {
  id: string;
  status: 'active' | 'suspended';
  balance: number;
  keys: { prefix: string; revoked: boolean; created_at: string }[];
}

export interface ControlProduct {
  id: string;
  name: string;
  price: number;
  stock: number;
  in_stock: boolean;
  sold: number;
}

export interface ControlSettings {
  idempotency_reuse: 'reject' | 'replay';
  rate_limit: number;
  rate_window_seconds: number;
}

export interface ControlOrder {
  id: string;
  account_id: string;
  product_id: string;
  quantity: number;
  total: number;
  codes: string[];
  idempotency_key: string | null;
  created_at: string;
}

export interface ControlState {
  clock: { now: string; offset_seconds: number };
  settings: ControlSettings;
  accounts: ControlAccount[];
  products: ControlProduct[];
  orders: ControlOrder[];
}

export class ControlError extends Error {
  override name = 'ControlError';
}

/**
 * @example
 *   const control = new ControlClient('http://127.0.0.1:8080', undefined, validator);
 *   const { key } = await control.createAccount({ balance: '10' });
 */
export class ControlClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly validator: SpecValidator,
  ) {}

  async #call<T>(operationId: string, method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const answer = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await answer.text();
    const violations = this.validator.check(operationId, { status: answer.status, headers: answer.headers, text });
    if (violations.length > 0) throw new ContractViolationError(`control ${operationId} (${method} ${path})`, answer.status, violations, text);
    if (!answer.ok) throw new ControlError(`control ${method} ${path} answered ${answer.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  state(): Promise<ControlState> {
    return this.#call('getState', 'GET', '/_mock/state');
  }

  createAccount(input: { balance: string; status?: 'active' | 'suspended'; id?: string; key?: string }) {
    return this.#call<{ key: string; account: ControlAccount }>('createAccount', 'POST', '/_mock/accounts', input);
  }

  createKey(accountId: string) {
    return this.#call<{ key: string; account: ControlAccount }>('createKey', 'POST', `/_mock/accounts/${encodeURIComponent(accountId)}/keys`);
  }

  revokeKey(key: string) {
    return this.#call<ControlAccount>('revokeKey', 'POST', '/_mock/keys/revoke', { key });
  }

  suspend(accountId: string) {
    return this.#call<ControlAccount>('suspendAccount', 'POST', `/_mock/accounts/${encodeURIComponent(accountId)}/suspend`);
  }

  reactivate(accountId: string) {
    return this.#call<ControlAccount>('reactivateAccount', 'POST', `/_mock/accounts/${encodeURIComponent(accountId)}/reactivate`);
  }

  topUp(accountId: string, amount: string) {
    return this.#call<ControlAccount>('topUpAccount', 'POST', `/_mock/accounts/${encodeURIComponent(accountId)}/top-up`, { amount });
  }

  putProduct(id: string, input: { name: string; price: string; stock?: number; codes?: string[] }) {
    return this.#call<ControlProduct>('putProduct', 'PUT', `/_mock/products/${encodeURIComponent(id)}`, input);
  }

  addCodes(id: string, input: { count?: number; codes?: string[] }) {
    return this.#call<ControlProduct>('addCodes', 'POST', `/_mock/products/${encodeURIComponent(id)}/codes`, input);
  }

  advanceClock(seconds: number) {
    return this.#call<{ now: string; offset_seconds: number }>('advanceClock', 'POST', '/_mock/clock/advance', { seconds });
  }

  settings() {
    return this.#call<ControlSettings>('getSettings', 'GET', '/_mock/settings');
  }

  changeSettings(patch: Partial<ControlSettings>) {
    return this.#call<ControlSettings>('changeSettings', 'PATCH', '/_mock/settings', patch);
  }

  /** A fault rule (mock only): see FaultRuleInput in spec/control-openapi.yaml. */
  createFault(rule: Record<string, unknown>) {
    return this.#call<{ id: number; fired: number }>('createFault', 'POST', '/_mock/faults', rule);
  }

  deleteFault(id: number) {
    return this.#call<{ id: number; fired: number }>('deleteFault', 'DELETE', `/_mock/faults/${id}`);
  }
}
