/**
 * Assertions that say what the contract expected, what the server answered, and show the body.
 * Thrown errors are plain Errors, so a case body works inside vitest and inside the self-tests.
 */
import type { ApiResponse, ApiSchemas, BodyOf, OperationId, StatusOf } from './api-client.js';
import { formatUsdt, InexactAmountError, toMicros, type Micros } from './money.js';
import { shorten } from './spec-validator.js';

export class CaseFailure extends Error {
  override name = 'CaseFailure';
}

type ErrorCode = ApiSchemas['ErrorCode'];

const summary = (res: ApiResponse): string => {
  const code = (res.body as Partial<ApiSchemas['ErrorResponse']> | undefined)?.code;
  return `${res.status}${code ? ` ${code}` : ''}`;
};

export function fail(message: string, res?: ApiResponse): never {
  throw new CaseFailure(res ? `${message}\n  ${res.operation} answered ${summary(res)}, body: ${shorten(res.text, 1500)}` : message);
}

export function check(condition: unknown, message: string, res?: ApiResponse): asserts condition {
  if (!condition) fail(message, res);
}

/** The answer must have this status; returns the (already schema-checked) body, typed by the spec. */
export function expectAnswer<O extends OperationId, S extends StatusOf<O>>(res: ApiResponse<O>, status: S, why = ''): BodyOf<O, S> {
  if (res.status !== status) fail(`${res.operation}: expected ${status}${why ? ` (${why})` : ''}, got ${summary(res)}`, res);
  return res.body as BodyOf<O, S>;
}

/** The answer must be this error status with this code; returns the error body the spec declares for it. */
export function expectError<O extends OperationId, S extends StatusOf<O>>(
  res: ApiResponse<O>,
  status: S,
  code: ErrorCode,
  why = '',
): BodyOf<O, S> {
  if (res.status !== status || (res.body as Partial<ApiSchemas['ErrorResponse']> | undefined)?.code !== code) {
    fail(`${res.operation}: expected ${status} ${code}${why ? ` (${why})` : ''}, got ${summary(res)}`, res);
  }
  return res.body as BodyOf<O, S>;
}

/** An amount must equal `expected` micro-USDT exactly (no float tolerance). */
export function expectAmount(actual: unknown, expected: Micros, what: string, how = '', res?: ApiResponse): void {
  let micros: Micros;
  try {
    micros = toMicros(actual);
  } catch (error) {
    if (error instanceof InexactAmountError) fail(`${what}: ${error.message}`, res);
    throw error;
  }
  if (micros !== expected) {
    fail(`${what}: expected exactly ${formatUsdt(expected)} USDT${how ? ` (${how})` : ''}, got ${JSON.stringify(actual)}`, res);
  }
}

/** Two amounts already in micro-USDT must be equal. */
export function expectMicros(actual: Micros, expected: Micros, what: string, how = ''): void {
  if (actual !== expected) fail(`${what}: expected exactly ${formatUsdt(expected)} USDT${how ? ` (${how})` : ''}, got ${formatUsdt(actual)}`);
}
