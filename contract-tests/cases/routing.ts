import { check, fail } from '../lib/assertions.js';
import { defineCase } from '../lib/case-kit.js';
import { shorten } from '../lib/spec-validator.js';

/** Routing errors are mock extensions; they answer in the one error shape (ErrorResponse in the spec). */
export const mockExtensions = defineCase('routing.mock-extensions', async (kit) => {
  const mock = kit.requireMock();
  const { api } = await mock.account('1');
  const balancePath = kit.publicSpec.operation('getBalance').path;
  for (const [method, path, status, code] of [
    ['GET', '/does-not-exist', 404, 'NOT_FOUND'],
    ['DELETE', balancePath, 405, 'METHOD_NOT_ALLOWED'],
  ] as const) {
    const answer = await api.undeclared(method, path);
    const { text } = answer;
    const where = `${method} ${answer.path} answered ${answer.status}, body: ${shorten(text, 500)}`;
    check(answer.status === status, `${method} ${answer.path}: expected ${status} ${code}; ${where}`);
    check((answer.headers.get('content-type') ?? '').startsWith('application/json'), `${method} ${answer.path}: expected a JSON error; ${where}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      fail(`${method} ${answer.path}: the body is not JSON; ${where}`);
    }
    const violations = kit.publicSpec.checkSchema('ErrorResponse', body);
    check(violations.length === 0, `${method} ${answer.path}: ${violations.map((v) => `${v.where} ${v.message}`).join('; ')}; ${where}`);
    check((body as { code: string }).code === code, `${method} ${answer.path}: expected code ${code}; ${where}`);
  }
});

export const ROUTING_CASES = [mockExtensions];
