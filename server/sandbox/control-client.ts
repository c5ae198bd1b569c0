/**
 * A typed client of the control API (/_mock), for tests that drive a sandbox: accounts, keys,
 * products, the clock, reset, fixtures, settings, state, and the journal and fault rules on a
 * server that has them. Request and answer types come from spec/generated/control-types.ts
 * (openapi-typescript, made by `npm run spec:emit`), so they follow the spec.
 */
import type { components, operations } from '../../spec/generated/control-types.js';

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

/**
 * One request of the request journal as GET /_mock/journal lists it. Provisional: the journal
 * is not in spec/control-openapi.yaml on this branch yet; once it is, this becomes
 * `components['schemas'][...]` like the other types.
 */
export interface JournalEntryView {
  id: number;
  /** When the request arrived (virtual clock). */
  at: string | number;
  method: string;
  path: string;
  operation: string | null;
  account_id: string | null;
  key_prefix: string | null;
  idempotency_key: string | null;
  request_body: string | null;
  status: number;
  error_code: string | null;
  response_body: string | null;
  latency_ms: number;
  fault: string | null;
  order_id: string | null;
  replayed: boolean;
}

export interface JournalQuery {
  account?: string;
  status?: number;
  code?: string;
  limit?: number;
  order?: 'newest' | 'oldest';
}

/** A fault rule of /_mock/faults. Provisional like JournalEntryView: its fields are the faults API's. */
export type FaultRule = { id: string } & Record<string, unknown>;

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
  const root = `${baseUrl.replace(/\/+$/, '')}/_mock`;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (controlToken) headers.Authorization = `Bearer ${controlToken}`;
    const res = await fetch(`${root}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const error = (json ?? {}) as { code?: string; error?: string; details?: { path: string; message: string }[] };
      throw new ControlApiError(res.status, error.code ?? `HTTP_${res.status}`, `${method} /_mock${path}: ${res.status} ${error.error ?? text.slice(0, 200)}`, error.details);
    }
    return json as T;
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
    /** Back to the fixture, clock back to real time. */
    reset: () => call<ControlAnswer<'reset'>>('POST', '/reset'),
    /** Replaces the state with this fixture; later resets return to it. */
    loadFixture: (fixture: ControlRequest<'loadFixture'>) => call<ControlAnswer<'loadFixture'>>('POST', '/fixtures', fixture),
    /** The request journal; a ControlApiError with status 404 on a server without it. */
    journal: {
      list: (query: JournalQuery = {}) => {
        const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
        const search = params.size ? `?${params}` : '';
        return call<{ entries: JournalEntryView[] }>('GET', `/journal${search}`);
      },
    },
    /** Fault rules; a ControlApiError with status 404 on a server without them. */
    faults: {
      list: () => call<{ rules: FaultRule[] }>('GET', '/faults'),
      add: (rule: Record<string, unknown>) => call<FaultRule>('POST', '/faults', rule),
      remove: (ruleId: string) => call<unknown>('DELETE', `/faults/${id(ruleId)}`),
    },
  };
}

export type ControlClient = ReturnType<typeof createControlClient>;
