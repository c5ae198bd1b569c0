import { check, expectError, fail } from '../lib/assertions.js';
import type { CaseKit } from '../lib/case-kit.js';
import type { ContractCase } from '../lib/contract-case.js';
import { openRaw, rawExchange, type RawExchange } from '../lib/raw-http.js';
import { shorten } from '../lib/spec-validator.js';

/** A raw answer is one JSON error of the spec's ErrorResponse shape with this status and code, and the server then closed. */
function checkRawError(kit: CaseKit, label: string, exchange: RawExchange, status: number, code: string): void {
  const answer = exchange.answers[0];
  const where = `${label}: ${answer ? `answered ${answer.status}, body: ${shorten(answer.body, 300)}` : `no answer (connection ${exchange.ended}${exchange.error ? `, ${exchange.error}` : ''})`}`;
  if (!answer) fail(`${label}: expected ${status} ${code}; ${where}`);
  check(answer.status === status, `${label}: expected ${status} ${code}; ${where}`);
  check((answer.headers['content-type'] ?? '').startsWith('application/json'), `${label}: expected a JSON error; ${where}`);
  if (answer.json === undefined) fail(`${label}: the body is not JSON; ${where}`);
  const violations = kit.publicSpec.checkSchema('ErrorResponse', answer.json);
  check(violations.length === 0, `${label}: ${violations.map((v) => `${v.where} ${v.message}`).join('; ')}; ${where}`);
  check(answer.json.code === code, `${label}: expected code ${code}; ${where}`);
  check(answer.headers.connection === 'close', `${label}: expected Connection: close; ${where}`);
  check(exchange.ended === 'fin', `${label}: expected the server to close the connection after its answer, got ${exchange.ended}; ${where}`);
}

/** Longest the case waits for a stalled request to be answered: the mock's default headers timeout is 10 s. */
const STALL_WAIT_MS = 25_000;

export const httpLayerCases: readonly ContractCase[] = [
  {
    id: 'purchase.payload-too-large',
    title: 'a body over 16 KiB: 413 PAYLOAD_TOO_LARGE with Connection: close, nothing charged',
    covers: [{ operation: 'purchase', status: 413, code: 'PAYLOAD_TOO_LARGE' }],
    requests: 2,
    mockOnly: 'PAYLOAD_TOO_LARGE is a mock extension; the live API does not promise it',
    run: async (kit) => {
      const mock = kit.requireMock();
      const account = await mock.account('10');
      const product = await mock.product('1', 5);
      const rawBody = JSON.stringify({ product_id: product.id, quantity: 1, pad: 'x'.repeat(20_000) });
      const res = await account.api.purchase(undefined, { rawBody, free: 'the body is over the limit' });
      expectError(res, 413, 'PAYLOAD_TOO_LARGE', '20 kB body');
      check(res.headers.get('connection') === 'close', `a 413 whose body was not read must say Connection: close, got ${res.headers.get('connection')}`);
      check((await kit.balanceOf(account.api)) === 10_000_000, 'nothing charged for a body over the limit');
    },
  },
  {
    id: 'http-layer.mock-extensions',
    title: 'what the HTTP layer refuses before any route: 400 BAD_REQUEST, 431 HEADERS_TOO_LARGE, 408 REQUEST_TIMEOUT (JSON errors)',
    covers: [
      { operation: '*', status: 400, code: 'BAD_REQUEST' },
      { operation: '*', status: 431, code: 'HEADERS_TOO_LARGE' },
      { operation: '*', status: 408, code: 'REQUEST_TIMEOUT' },
    ],
    requests: 0,
    mockOnly: 'the HTTP layer answers are mock extensions; the live API does not promise JSON for malformed HTTP',
    run: async (kit) => {
      kit.requireMock();
      const origin = kit.target.baseUrl;
      const health = '/health';
      checkRawError(kit, 'a garbage request line', await rawExchange(origin, 'HELLO WORLD\r\n\r\n'), 400, 'BAD_REQUEST');
      checkRawError(kit, 'HTTP/1.1 without Host', await rawExchange(origin, `GET ${health} HTTP/1.1\r\n\r\n`), 400, 'BAD_REQUEST');
      checkRawError(kit, 'OPTIONS *', await rawExchange(origin, 'OPTIONS * HTTP/1.1\r\nHost: sandbox\r\n\r\n'), 400, 'BAD_REQUEST');
      checkRawError(
        kit,
        'a 20 kB header',
        await rawExchange(origin, `GET ${health} HTTP/1.1\r\nHost: sandbox\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
        431,
        'HEADERS_TOO_LARGE',
      );
      // Headers that never end: answered once the server's headers timeout passes.
      const stalled = await openRaw(origin);
      await stalled.write(`GET ${health} HTTP/1.1\r\nHost: sandbox\r\nX-Never-Ends: `);
      checkRawError(kit, `headers that stop halfway (waited up to ${STALL_WAIT_MS / 1000} s)`, await stalled.closed(STALL_WAIT_MS), 408, 'REQUEST_TIMEOUT');
    },
  },
];
