/** The judge itself: the validator reads the YAML and names operation, status and field. */
import { describe, expect, it } from 'vitest';
import { formatUsdt, parseUsdt, toMicros } from '../lib/money.js';
import { ContractViolationError } from '../lib/spec-validator.js';
import { controlSpec, publicSpec } from './self-test-kit.js';

const json = { 'content-type': 'application/json' };
const check = (op: string, status: number, body: unknown, headers: Record<string, string> = json) =>
  publicSpec.check(op, { status, headers: new Headers(headers), text: typeof body === 'string' ? body : JSON.stringify(body) });

describe('money: exact micro-USDT', () => {
  it('parses and formats without floats', () => {
    expect(parseUsdt('12.5')).toBe(12_500_000);
    expect(parseUsdt('0.000001')).toBe(1);
    expect(parseUsdt('1e-6')).toBe(1);
    expect(toMicros(0.1)).toBe(100_000);
    expect(toMicros(149.99)).toBe(149_990_000);
    expect(formatUsdt(9_875_000)).toBe('9.875');
    expect(formatUsdt(0)).toBe('0');
    expect(formatUsdt(1)).toBe('0.000001');
  });

  it('refuses float noise and a seventh decimal', () => {
    expect(() => toMicros(0.1 + 0.2)).toThrow(/more than 6 decimal places/);
    expect(() => toMicros(1e-7)).toThrow(/more than 6 decimal places/);
    expect(() => toMicros('1')).toThrow(/not a finite JSON number/);
  });
});

describe('validator: judged by spec/openapi.yaml', () => {
  it('accepts what the spec declares', () => {
    expect(check('getBalance', 200, { balance: 12.5, currency: 'USDT' })).toEqual([]);
    expect(check('purchase', 402, { success: false, code: 'INSUFFICIENT_BALANCE', error: 'x', required: 1, available: 0.5 })).toEqual([]);
    expect(check('listProducts', 429, { success: false, code: 'RATE_LIMITED', error: 'x', retry_after_seconds: 3 }, { ...json, 'retry-after': '3' })).toEqual([]);
  });

  it('an undeclared status', () => {
    expect(check('getBalance', 404, { success: false, code: 'NOT_FOUND', error: 'x' })).toEqual([
      { where: 'status', message: '404 is not declared for getBalance (declared: 200, 401, 403, 429, 500, 502, 503, 504)' },
    ]);
  });

  it('a missing field, a wrong type, a code that does not belong to the status', () => {
    expect(check('getBalance', 200, { currency: 'USDT' })).toContainEqual({ where: '(body)', message: "must have required property 'balance'" });
    expect(check('purchase', 200, { success: true, order_id: 'o', codes: 'ABC', balance_remaining: 1 })).toContainEqual({
      where: '/codes',
      message: 'must be array (got "ABC")',
    });
    expect(check('getBalance', 403, { success: false, code: 'NO_KEY', error: 'x' })).toContainEqual({
      where: '/code',
      message: 'must be equal to one of the allowed values ["FORBIDDEN"] (got "NO_KEY")',
    });
  });

  it('a float-rounded amount (the spec says at most 6 decimal places)', () => {
    expect(check('getBalance', 200, { balance: 0.1 + 0.2, currency: 'USDT' })).toEqual([
      { where: '/balance', message: 'must be an exact amount with at most 6 decimal places (got 0.30000000000000004)' },
    ]);
  });

  it('a 429 without Retry-After, a body that is not JSON, the wrong content type', () => {
    expect(check('purchase', 429, { success: false, code: 'RATE_LIMITED', error: 'x', retry_after_seconds: 3 })).toEqual([
      { where: 'header Retry-After', message: 'required header is missing' },
    ]);
    expect(check('getBalance', 200, '<html>', { 'content-type': 'text/html' })).toEqual([
      { where: 'header Content-Type', message: "must be application/json (got 'text/html')" },
      { where: '(body)', message: 'is not JSON' },
    ]);
  });

  it('gives each operation its method and path: the first server\'s path joined with the operation\'s', () => {
    expect(publicSpec.basePath()).toBe('/api/v1');
    expect(publicSpec.route('purchase')).toEqual({ method: 'POST', path: '/api/v1/purchase' });
    expect(publicSpec.route('getBalance')).toEqual({ method: 'GET', path: '/api/v1/balance' });
    expect(controlSpec.basePath()).toBe('');
    expect(controlSpec.route('topUpAccount', { id: 'a b' })).toEqual({ method: 'POST', path: '/_mock/accounts/a%20b/top-up' });
    expect(() => controlSpec.route('topUpAccount')).toThrow(/needs the path parameter id/);
  });

  it('the error names operation, status, field and shows the body', () => {
    const body = '{"currency":"USDT"}';
    const error = new ContractViolationError('getBalance (GET /api/v1/balance)', 200, check('getBalance', 200, body), body);
    expect(error.message).toBe(
      'Contract violation: getBalance (GET /api/v1/balance) answered 200\n' +
        "  - (body): must have required property 'balance'\n" +
        '  body: {"currency":"USDT"}',
    );
  });
});
