/**
 * The mock's control API (/_mock), used only when the target is the mock: it makes the state a
 * case needs (fresh accounts, products, suspension, revoked keys) and moves the virtual clock.
 * Method, path and types come from spec/control-openapi.yaml (by operationId), and every answer
 * is judged against it as well.
 */
import type { components, operations } from '../../spec/generated/control-types.js';
import { ContractViolationError, type SpecValidator } from './spec-validator.js';

export type ControlSchemas = components['schemas'];
type ControlOperation = keyof operations;
type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never;
/** The body of an operation's success answer (200 or 201). */
type AnswerOf<O extends ControlOperation> = JsonOf<operations[O]['responses'][Extract<keyof operations[O]['responses'], 200 | 201>]>;
type RequestOf<O extends ControlOperation> = JsonOf<NonNullable<operations[O]['requestBody']>>;

export class ControlError extends Error {
  override name = 'ControlError';
}

/**
 * @example
 *   const control = new ControlClient('http://127.0.0.1:8080', undefined, validator);
 *   const { key } = await control.createAccount({ balance: '10', status: 'active' });
 */
export class ControlClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly validator: SpecValidator,
  ) {}

  async #call<O extends ControlOperation>(operationId: O, params: Record<string, string> = {}, body?: RequestOf<O>): Promise<AnswerOf<O>> {
    const { method, path } = this.validator.route(operationId, params);
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
    return JSON.parse(text) as AnswerOf<O>;
  }

  state() {
    return this.#call('getState');
  }

  createAccount(input: RequestOf<'createAccount'>) {
    return this.#call('createAccount', {}, input);
  }

  createKey(accountId: string) {
    return this.#call('createKey', { id: accountId });
  }

  revokeKey(key: string) {
    return this.#call('revokeKey', {}, { key });
  }

  suspend(accountId: string) {
    return this.#call('suspendAccount', { id: accountId });
  }

  reactivate(accountId: string) {
    return this.#call('reactivateAccount', { id: accountId });
  }

  topUp(accountId: string, amount: string) {
    return this.#call('topUpAccount', { id: accountId }, { amount });
  }

  putProduct(id: string, input: RequestOf<'putProduct'>) {
    return this.#call('putProduct', { id }, input);
  }

  addCodes(id: string, input: RequestOf<'addCodes'>) {
    return this.#call('addCodes', { id }, input);
  }

  advanceClock(seconds: number) {
    return this.#call('advanceClock', {}, { seconds });
  }

  settings() {
    return this.#call('getSettings');
  }

  changeSettings(patch: RequestOf<'changeSettings'>) {
    return this.#call('changeSettings', {}, patch);
  }

  /** A fault rule (mock only): see FaultRuleInput in spec/control-openapi.yaml. */
  createFault(rule: RequestOf<'createFault'>) {
    return this.#call('createFault', {}, rule);
  }

  deleteFault(id: number) {
    return this.#call('deleteFault', { id: String(id) });
  }
}
