/**
 * A typed client of the control API (/_mock), for tests that drive a sandbox: accounts, keys,
 * products, the clock, reset, fixtures, settings, state, fault rules and the request journal.
 * Request and answer types come from spec/generated/control-types.ts (openapi-typescript, made by
 * `npm run spec:emit`), so they follow the spec. Requests and answers go through the wire module
 * the dashboard uses too (../dashboard/client/control-wire.js).
 */
import type { components, operations } from '../../spec/generated/control-types.js';
import { searchOf, sendControl } from '../dashboard/client/control-wire.js';

type Schemas = components['schemas'];
type Operation = keyof operations;

/** The JSON body an operation takes. */
export type ControlRequest<K extends Operation> = operations[K] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;

/** The JSON body of an operation's success answer (200 or 201). */
export type ControlAnswer<K extends Operation> = {
  [S in keyof operations[K]['responses']]: S extends 200 | 201
    ? operations[K]['responses'][S] extends { content: { 'application/json': infer T } }
      ? T
      : never
    : never;
}[keyof operations[K]['responses']];

export type SandboxState = Schemas['State'];
export type ControlAccount = Schemas['Account'];
export type ControlProduct = Schemas['ControlProduct'];
export type ControlOrder = Schemas['Order'];
export type ControlClock = Schemas['Clock'];
export type ControlSettings = Schemas['Settings'];
export type FixtureInput = Schemas['Fixture'];

/** One request of the request journal, as GET /_mock/journal lists it and its stream sends it. */
export type JournalEntryView = Schemas['JournalEntry'];
/** The filters of GET /_mock/journal (`since` and `until`: ISO 8601 or epoch milliseconds). */
export type JournalQuery = NonNullable<operations['getJournal']['parameters']['query']>;
/** A fault rule in force, as GET /_mock/faults lists it (with its seed and how often it was seen and fired). */
export type FaultRule = Schemas['FaultRule'];
/** A fault rule as POST /_mock/faults takes it. */
export type FaultRuleInput = Schemas['FaultRuleInput'];

/** A control API answer other than success: its status, `code`, message and, for bad input, `details`. */
export class ControlApiError extends Error {
  override name = 'ControlApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export interface ControlClientOptions {
  /** The sandbox's origin, e.g. `http://127.0.0.1:8080` (no `/_mock`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when the sandbox runs with a control token. */
  controlToken?: string;
}

/**
 * @example
 * const control = createControlClient({ baseUrl: 'http://127.0.0.1:8080' });
 * const { key, account } = await control.accounts.create({ balance: 25 });
 * await control.accounts.suspend(account.id);
 * await control.clock.advance(61);
 */
export function createControlClient({ baseUrl, controlToken }: ControlClientOptions) {
  const target = { root: `${baseUrl.replace(/\/+$/, '')}/_mock`, token: controlToken };

  async function call<T>(method: string, path: string, json?: unknown): Promise<T> {
    const answer = await sendControl(target, method, path, json === undefined ? {} : { json });
    if (answer.ok) return answer.data as T;
    throw new ControlApiError(answer.status, answer.code, `${method} /_mock${path}: ${answer.status} ${answer.message}`, answer.details);
  }
  const id = encodeURIComponent;

  return {
    /** Clock, settings, accounts with balances and key prefixes, products with stock, orders with their codes. */
    state: () => call<ControlAnswer<'getState'>>('GET', '/state'),
    accounts: {
      /** A new account with a new key; the key is in the answer only. */
      create: (body: ControlRequest<'createAccount'> = {}) => call<ControlAnswer<'createAccount'>>('POST', '/accounts', body),
      createKey: (accountId: string) => call<ControlAnswer<'createKey'>>('POST', `/accounts/${id(accountId)}/keys`),
      topUp: (accountId: string, amount: ControlRequest<'topUpAccount'>['amount']) =>
        call<ControlAnswer<'topUpAccount'>>('POST', `/accounts/${id(accountId)}/top-up`, { amount }),
      suspend: (accountId: string) => call<ControlAnswer<'suspendAccount'>>('POST', `/accounts/${id(accountId)}/suspend`),
      reactivate: (accountId: string) => call<ControlAnswer<'reactivateAccount'>>('POST', `/accounts/${id(accountId)}/reactivate`),
      /** Revokes a key (the whole key: the sandbox keeps only its hash); requests with it get 401 INVALID_KEY. */
      revokeKey: (key: string) => call<ControlAnswer<'revokeKey'>>('POST', '/keys/revoke', { key } satisfies ControlRequest<'revokeKey'>),
    },
    products: {
      /** Adds or changes a product; `stock` or `codes` replace its unsold codes. */
      put: (productId: string, body: ControlRequest<'putProduct'>) => call<ControlAnswer<'putProduct'>>('PUT', `/products/${id(productId)}`, body),
      /** Adds `{ count }` new random codes or the given `{ codes }`. */
      restock: (productId: string, body: ControlRequest<'addCodes'>) => call<ControlAnswer<'addCodes'>>('POST', `/products/${id(productId)}/codes`, body),
    },
    clock: {
      get: () => call<ControlAnswer<'getClock'>>('GET', '/clock'),
      advance: (seconds: number) => call<ControlAnswer<'advanceClock'>>('POST', '/clock/advance', { seconds } satisfies ControlRequest<'advanceClock'>),
    },
    settings: {
      get: () => call<ControlAnswer<'getSettings'>>('GET', '/settings'),
      change: (patch: ControlRequest<'changeSettings'>) => call<ControlAnswer<'changeSettings'>>('PATCH', '/settings', patch),
    },
    /** Back to the fixture (and its fault rules), clock back to real time, journal emptied. */
    reset: () => call<ControlAnswer<'reset'>>('POST', '/reset'),
    /** Replaces the state with this fixture; later resets return to it. */
    loadFixture: (fixture: ControlRequest<'loadFixture'>) => call<ControlAnswer<'loadFixture'>>('POST', '/fixtures', fixture),
    /** Fault rules: the sandbox fails on purpose (see the README's "Rehearse the bad days"). */
    faults: {
      list: () => call<ControlAnswer<'listFaults'>>('GET', '/faults'),
      /** A refused rule throws ControlApiError (status 400) whose details name the bad field. */
      add: (rule: FaultRuleInput) => call<ControlAnswer<'createFault'>>('POST', '/faults', rule),
      /** Answers the removed rule; an unknown id throws ControlApiError (404 FAULT_NOT_FOUND). */
      remove: (ruleId: number) => call<ControlAnswer<'deleteFault'>>('DELETE', `/faults/${ruleId}`),
      clear: () => call<ControlAnswer<'clearFaults'>>('DELETE', '/faults'),
    },
    /** The request journal: every request to /api/v1 with its answer. */
    journal: {
      /** Newest first unless `order: 'oldest'`; at most `limit` (default 100). */
      list: (query: JournalQuery = {}) => call<ControlAnswer<'getJournal'>>('GET', `/journal${searchOf(query)}`),
      clear: () => call<ControlAnswer<'clearJournal'>>('DELETE', '/journal'),
    },
  };
}

export type ControlClient = ReturnType<typeof createControlClient>;
