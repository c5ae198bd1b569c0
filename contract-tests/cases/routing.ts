import { check, fail } from '../lib/assertions.js';
import { defineCase } from '../lib/case-kit.js';
import { shorten } from '../lib/spec-validator.js';

/** Routing errors are mock extensions; they answer in the one error shape (Error in the spec). */
export const mockExtensions = defineCase('routing.mock-extensions', async (kit) => {
  const mock = kit.requireMock();
  const { key } = await mock.account('1');
  for (const [method, path, status, code] of [
    ['GET', '/api/v1/does-not-exist', 404, 'NOT_FOUND'],
    ['DELETE', '/api/v1/balance', 405, 'METHOD_NOT_ALLOWED'],
  ] as const) {
    const answer = await fetch(`${kit.target.baseUrl}${path}`, { method, headers: { 'X-API-Key': key }, signal: AbortSignal.timeout(10_000) });
    const text = await answer.text();
    const where = `${method} ${path} answered ${answer.status}, body: ${shorten(text, 500)}`;
    check(answer.status === status, `${method} ${path}: expected ${status} ${code}; ${where}`);
    check((answer.headers.get('content-type') ?? '').startsWith('application/json'), `${method} ${path}: expected a JSON error; ${where}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      fail(`${method} ${path}: the body is not JSON; ${where}`);
    }
    const violations = kit.publicSpec.checkSchema('ErrorResponse', body);
    check(violations.length === 0, `${method} ${path}: ${violations.map((v) => `${v.where} ${v.message}`).join('; ')}; ${where}`);
    check((body as { code: string }).code === code, `${method} ${path}: expected code ${code}; ${where}`);
  }
});

export const ROUTING_CASES = [mockExtensions];
