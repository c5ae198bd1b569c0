/**
 * One error shape, one place. Every error leaves the server as
 * `{ success: false, code, error, ...extra }`; handlers and middleware throw an
 * AppError and `onError` (create-app.ts) writes it. Message templates live here.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z, ZodError } from 'zod';
import type { InsufficientBalanceError, OutOfStockError, RateLimitedError, ValidationError } from '../spec/api-schemas.js';
import { controlErrorCodes, errorCodes, type ControlErrorCode, type ErrorCode } from '../spec/error-codes.js';
import { sendJsonText, toJsonText } from './json-text.js';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** A validation error's message: each field and what is wrong with it. */
const joinDetails = (details: readonly ErrorDetail[]) => details.map((d) => `${d.path}: ${d.message}`).join('; ');

/** What is wrong with a body that cannot be read as JSON at all; both APIs report it at the path "(body)". */
export const bodyProblems = {
  notJsonType: 'Content-Type must be application/json',
  notJson: 'body is not valid JSON',
} as const;

const bodyDetails = (problem: string): ErrorDetail[] => [{ path: '(body)', message: problem }];

/**
 * An answer, not a failure: onError writes it and nobody reads its stack, so none is
 * captured (capturing one is most of the cost of a 401 or 429).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    const { stackTraceLimit } = Error;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
  }
}

const apiError = (code: ErrorCode, message: string, extra?: Record<string, unknown>, headers?: Record<string, string>) =>
  new AppError(errorCodes[code].status, code, message, extra, headers);

const controlError = (code: ControlErrorCode, message: string, extra?: Record<string, unknown>, headers?: Record<string, string>) =>
  new AppError(controlErrorCodes[code].status, code, message, extra, headers);

/** The fields an error body of the spec adds to `success`, `code` and `error`: a changed schema is a type error here. */
type ExtraOf<Schema extends z.ZodType> = Omit<z.input<Schema>, 'success' | 'code' | 'error'>;

/** Message templates of the public API. */
export const errors = {
  noKey: () => apiError('NO_KEY', 'Missing X-API-Key header. Generate a key in the bot: API -> Generate.'),
  invalidKey: () => apiError('INVALID_KEY', 'The API key is unknown or revoked. Check the X-API-Key header or generate a new key in the bot.'),
  forbidden: () => apiError('FORBIDDEN', 'This account is suspended. Contact support.'),
  rateLimited: (retryAfterSeconds: number, limit: number, windowSeconds: number) =>
    apiError(
      'RATE_LIMITED',
      `Rate limit exceeded: ${limit} requests per ${windowSeconds} s for this key. Retry in ${retryAfterSeconds} s.`,
      { retry_after_seconds: retryAfterSeconds, limit_scope: 'key' } satisfies ExtraOf<typeof RateLimitedError>,
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  /** Not the key's own limit: its address sent too many wrong keys, and this key has not authenticated from it before. */
  failedAuthLimited: (retryAfterSeconds: number, limit: number, windowSeconds: number) =>
    apiError(
      'RATE_LIMITED',
      `Too many failed authentications from your address (${limit} per ${windowSeconds} s); until then only keys that ` +
        `already authenticated from this address are accepted. Retry in ${retryAfterSeconds} s.`,
      { retry_after_seconds: retryAfterSeconds, limit_scope: 'failed_auth_address' } satisfies ExtraOf<typeof RateLimitedError>,
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  /** Sent with Connection: close: the rest of the body is not read, so the connection cannot carry another request. */
  payloadTooLarge: (maxBytes: number) =>
    apiError('PAYLOAD_TOO_LARGE', `The request body is over ${maxBytes} bytes; a purchase body is a few dozen.`, {}, { Connection: 'close' }),
  badBody: (problem: string) => errors.validation(bodyDetails(problem)),
  validation: (details: ErrorDetail[]) =>
    apiError('VALIDATION', joinDetails(details), { details } satisfies ExtraOf<typeof ValidationError>),
  productNotFound: (productId: string) => apiError('PRODUCT_NOT_FOUND', `No product with id "${productId}". Re-fetch /products.`),
  outOfStock: (productId: string, requested: number, stock: number) =>
    apiError('OUT_OF_STOCK', `Only ${stock} left of product "${productId}", ${requested} requested.`, {
      requested,
      stock,
    } satisfies ExtraOf<typeof OutOfStockError>),
  insufficientBalance: (required: number, available: number) =>
    apiError('INSUFFICIENT_BALANCE', `Insufficient balance: ${required} USDT required, ${available} available. Top up in the bot.`, {
      required,
      available,
    } satisfies ExtraOf<typeof InsufficientBalanceError>),
  idempotencyKeyReused: (key: string) =>
    apiError('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key "${key}" was already used with a different body within 24 hours. Use a new key for a new order.`),
  notFound: (path: string) => apiError('NOT_FOUND', `No such path: ${path}.`),
  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    apiError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}. Allowed: ${allowed.join(', ')}.`, {}, { Allow: allowed.join(', ') }),
  /** The answer of an error fault rule (see server/faults/). */
  injected: (status: 500 | 502 | 503 | 504, ruleId: number) => {
    const [code, message] = INJECTED[status];
    return apiError(code, `${message} (sandbox fault rule ${ruleId}).`);
  },
} as const;

const INJECTED = {
  500: ['INTERNAL_ERROR', 'Internal server error'],
  502: ['UPSTREAM_ERROR', 'Bad gateway: no valid answer from the upstream server'],
  503: ['SERVICE_UNAVAILABLE', 'Service unavailable, try again shortly'],
  504: ['UPSTREAM_TIMEOUT', 'Gateway timeout: the upstream server did not answer in time'],
} as const satisfies Record<number, readonly [ErrorCode, string]>;

/**
 * Answers of the HTTP layer, before any route (server/http/harden-server.ts). Each goes out with
 * Connection: close: after a request that could not be parsed, the rest of the bytes cannot be framed.
 */
export const httpErrors = {
  badRequest: (problem: string) => apiError('BAD_REQUEST', `Malformed HTTP request: ${problem}.`, {}, { Connection: 'close' }),
  requestTimeout: (headersMs: number, requestMs: number) =>
    apiError(
      'REQUEST_TIMEOUT',
      `The request did not arrive in time: headers within ${headersMs} ms, the whole request within ${requestMs} ms.`,
      {},
      { Connection: 'close' },
    ),
  headersTooLarge: () => apiError('HEADERS_TOO_LARGE', 'The request headers are over 16 KiB.', {}, { Connection: 'close' }),
} as const;

/** Message templates of the control API (/_mock). */
export const controlErrors = {
  unauthorized: () =>
    controlError('CONTROL_UNAUTHORIZED', 'The control API is locked: send Authorization: Bearer <AI_MARKET_MOCK_CONTROL_TOKEN>.'),
  rateLimited: (retryAfterSeconds: number, limit: number, windowSeconds: number) =>
    controlError(
      'CONTROL_RATE_LIMITED',
      `Too many wrong control tokens from your address (${limit} per ${windowSeconds} s); until then only a token that ` +
        `already worked from this address is accepted. Retry in ${retryAfterSeconds} s.`,
      { retry_after_seconds: retryAfterSeconds, limit_scope: 'failed_auth_address' },
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  payloadTooLarge: (maxBytes: number) =>
    controlError('PAYLOAD_TOO_LARGE', `The request body is over ${maxBytes} bytes; load larger fixtures from a file (--fixtures).`, {}, { Connection: 'close' }),
  validation: (details: ErrorDetail[]) => controlError('CONTROL_VALIDATION', joinDetails(details), { details }),
  badBody: (problem: string) => controlErrors.validation(bodyDetails(problem)),
  accountNotFound: (id: string) => controlError('ACCOUNT_NOT_FOUND', `No account "${id}".`),
  accountExists: (id: string) => controlError('ACCOUNT_EXISTS', `Account "${id}" already exists.`),
  keyInUse: () => controlError('ACCOUNT_EXISTS', 'That key is already in use.'),
  keyNotFound: () => controlError('KEY_NOT_FOUND', 'No such key.'),
  productNotFound: (id: string) => controlError('PRODUCT_NOT_FOUND', `No product "${id}".`),
  codeExists: (code: string) => controlError('CODE_EXISTS', `code "${code}" is already in the store`),
  faultNotFound: (id: number) => controlError('FAULT_NOT_FOUND', `No fault rule ${id}.`),
} as const;

/** Zod issues as `{ path, message }`, the path dotted ("quantity", "products.0.price"), "(body)" for the root. */
export function zodDetails(error: ZodError): ErrorDetail[] {
  // An unknown field of a strict object is named by its own path, like any other bad field.
  const issues = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown field' })) : [issue],
  );
  return issues.slice(0, 50).map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

/** Hono's own exceptions (malformed JSON, wrong content type) become VALIDATION errors. */
export function fromHttpException(error: HTTPException, control: boolean): AppError {
  const problem =
    error.status === 415 ? bodyProblems.notJsonType : /malformed json/i.test(error.message) ? bodyProblems.notJson : error.message || 'invalid request';
  return control ? controlErrors.badBody(problem) : errors.badBody(problem);
}

/**
 * The client closed the connection before its request arrived in full (an aborted upload): not a
 * bug and not bad input; nobody is left to read an answer.
 */
export function clientClosed(c: Context, error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || c.req.raw.signal?.aborted === true;
}

/** The one error shape: what every error answer's body holds, from the app or the HTTP layer. */
export const errorBody = (error: AppError) => ({ success: false as const, code: error.code, error: error.message, ...error.extra });

export function writeError(c: Context, error: AppError) {
  return sendJsonText(c, toJsonText(errorBody(error)), error.status as 400, error.headers);
}
