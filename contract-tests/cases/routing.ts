import { check, fail } from '../lib/assertions.js';
import type { ContractCase } from '../lib/contract-case.js';
import { shorten } from '../lib/spec-validator.js';

export const routingCases: readonly ContractCase[] = [
  /** Routing errors are mock extensions; they answer in the one error shape (ErrorResponse in the spec). */
  {
    id: 'routing.mock-extensions',
    title: 'unknown path: 404 NOT_FOUND; wrong method: 405 METHOD_NOT_ALLOWED (JSON errors)',
    covers: [
      { operation: '*', status: 404, code: 'NOT_FOUND' },
      { operation: '*', status: 405, code: 'METHOD_NOT_ALLOWED' },
    ],
    requests: 2,
    mockOnly: 'NOT_FOUND and METHOD_NOT_ALLOWED are mock extensions the live API does not promise',
    run: async (kit) => {
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
    },
  },
];
