/**
 * A real `serve` process probed over raw sockets (node:net) the way a broken or hostile client
 * would: what Node's HTTP parser refuses, bodies far over the limit, slow and stalled clients, a
 * flood at the connection cap, aborted uploads, SIGTERM with a keep-alive client, guessed control
 * tokens and guessed keys from an address a team shares. Every answer is a JSON 4xx with a stable
 * code, the connection ends with a FIN after it (never a reset before it), and the server goes on
 * serving everyone else. Timeouts are configured small, so nothing waits long; nothing asserts a
 * duration.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';
import { openRaw, rawExchange, type RawAnswer, type RawConnection, type RawExchange } from '../contract-tests/lib/raw-http.js';

const TOKEN = randomBytes(16).toString('hex');
const bearer = { Authorization: `Bearer ${TOKEN}` };
const started: SpawnedSandbox[] = [];
let server: SpawnedSandbox;

const start = async (args: string[]) => {
  const sandbox = await spawnSandbox({ args });
  started.push(sandbox);
  return sandbox;
};

beforeAll(async () => {
  server = await start(['--headers-timeout-ms', '1000', '--request-timeout-ms', '3000', '--keep-alive-timeout-ms', '1500', '--control-token', TOKEN]);
});
afterAll(() => {
  for (const sandbox of started) sandbox.kill();
});

function expectJsonError(answer: RawAnswer | undefined, status: number, code: string) {
  expect(answer, `an answer ${status} ${code}`).toBeDefined();
  expect({ status: answer!.status, code: answer!.json?.code }, answer!.body).toEqual({ status, code });
  expect(answer!.headers['content-type']).toMatch(/^application\/json/);
  expect(answer!.json).toMatchObject({ success: false, error: expect.any(String) });
}

/** The answer came with Connection: close and the server then closed with a FIN, not a reset. */
function expectClosedAfter(exchange: RawExchange) {
  expect(exchange.answers.at(-1)?.headers.connection).toBe('close');
  expect(exchange.ended, `connection ended with ${exchange.error}`).toBe('fin');
}

const stillServing = async (sandbox = server) => expect((await fetch(`${sandbox.baseUrl}/health`)).status).toBe(200);

const purchaseHead = (extra: string) =>
  `POST /api/v1/purchase HTTP/1.1\r\nHost: x\r\nX-API-Key: mk_test_alice\r\nContent-Type: application/json\r\n${extra}\r\n`;

describe('what the HTTP parser refuses before any route', () => {
  const cases: [string, number, string, string][] = [
    ['a 20 kB header', 431, 'HEADERS_TOO_LARGE', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['an HTTP/1.1 request without Host', 400, 'BAD_REQUEST', 'GET /health HTTP/1.1\r\n\r\n'],
    ['a control byte in a header', 400, 'BAD_REQUEST', 'GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n'],
    ['Content-Length with Transfer-Encoding', 400, 'BAD_REQUEST', `${purchaseHead('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n')}0\r\n\r\n`],
    ['OPTIONS *', 400, 'BAD_REQUEST', 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a garbage request line', 400, 'BAD_REQUEST', 'HELLO WORLD\r\n\r\n'],
    ['a backslash in the path', 400, 'BAD_REQUEST', 'GET /api\\v1/balance HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a Host that is no host', 400, 'BAD_REQUEST', 'GET /health HTTP/1.1\r\nHost: a@b\r\n\r\n'],
    ['CONNECT', 400, 'BAD_REQUEST', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'],
  ];

  it.each(cases)('%s: a JSON %i %s, Connection: close, then a FIN', async (_name, status, code, request) => {
    const exchange = await rawExchange(server.port, request);
    expect(exchange.answers).toHaveLength(1);
    expectJsonError(exchange.answers[0], status, code);
    expectClosedAfter(exchange);
    await stillServing();
  });

  it('an HTTP/1.0 request without Host is served (Host is optional in 1.0)', async () => {
    const exchange = await rawExchange(server.port, 'GET /health HTTP/1.0\r\n\r\n');
    expect(exchange.answers[0]?.status).toBe(200);
  });
});

describe('a body over the limit: 413 PAYLOAD_TOO_LARGE, answered whole, then the connection closes cleanly', () => {
  const big = (bytes: number) => JSON.stringify({ product_id: '002', quantity: 1, pad: 'x'.repeat(bytes) });

  it('2 MB of JSON and then a second request on the same connection: the 413 arrives, then a FIN (no reset)', async () => {
    const body = big(2_000_000);
    const connection = await openRaw(server.port);
    await connection.write(purchaseHead(`Content-Length: ${Buffer.byteLength(body)}\r\n`) + body);
    await connection.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const exchange = await connection.closed();
    expect(exchange.answers).toHaveLength(1);
    expectJsonError(exchange.answers[0], 413, 'PAYLOAD_TOO_LARGE');
    expectClosedAfter(exchange);
    expect((await fetch(`${server.baseUrl}/api/v1/balance`, { headers: { 'X-API-Key': 'mk_test_alice' } })).status).toBe(200);
  });

  it('a chunked body that grows past the limit', async () => {
    const connection = await openRaw(server.port);
    await connection.write(purchaseHead('Transfer-Encoding: chunked\r\n'));
    const chunk = 'x'.repeat(8192);
    for (let i = 0; i < 8; i++) await connection.write(`${(8192).toString(16)}\r\n${chunk}\r\n`);
    const exchange = await connection.closed();
    expectJsonError(exchange.answers[0], 413, 'PAYLOAD_TOO_LARGE');
    expectClosedAfter(exchange);
  });

  it('fetch (undici) uploading 2 MB and 5 MB, three times each: always the 413, never a socket error', async () => {
    for (const size of [2_000_000, 2_000_000, 2_000_000, 5_000_000, 5_000_000, 5_000_000]) {
      const res = await fetch(`${server.baseUrl}/api/v1/purchase`, {
        method: 'POST',
        headers: { 'X-API-Key': 'mk_test_alice', 'Content-Type': 'application/json' },
        body: big(size),
      });
      expect(res.status).toBe(413);
      expect(res.headers.get('connection')).toBe('close');
      expect(await res.json()).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
      expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
    }
    // Nothing was bought by any of them.
    const balance = await fetch(`${server.baseUrl}/api/v1/balance`, { headers: { 'X-API-Key': 'mk_test_alice' } });
    expect(await balance.json()).toEqual({ balance: 100, currency: 'USDT' });
  });

  it('the control API: a fixture over 8 MiB is a 413 too', async () => {
    const res = await fetch(`${server.baseUrl}/_mock/fixtures`, {
      method: 'POST',
      headers: { ...bearer, 'Content-Type': 'application/json' },
      body: JSON.stringify({ accounts: [], products: [], pad: 'x'.repeat(9 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('slow and stalled clients are cut off by the configured timeouts', () => {
  /** Sends the head of a request and then one more header byte at a time until the server answers. */
  async function trickle(connection: RawConnection, start: string, everyMs = 150) {
    await connection.write(start);
    const timer = setInterval(() => void connection.write('x'), everyMs);
    try {
      return await connection.closed();
    } finally {
      clearInterval(timer);
    }
  }

  it('a header sent one byte at a time: 408 REQUEST_TIMEOUT once the header timeout passes', async () => {
    const exchange = await trickle(await openRaw(server.port), 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expectJsonError(exchange.answers[0], 408, 'REQUEST_TIMEOUT');
    expectClosedAfter(exchange);
    await stillServing();
  });

  it('a body that stalls halfway: 408 REQUEST_TIMEOUT once the request timeout passes', async () => {
    const connection = await openRaw(server.port);
    await connection.write(`${purchaseHead('Content-Length: 100\r\n')}{"product_id":`);
    const exchange = await connection.closed();
    expectJsonError(exchange.answers[0], 408, 'REQUEST_TIMEOUT');
    expectClosedAfter(exchange);
  });

  it('a connection that never sends a byte is closed without an answer', async () => {
    const exchange = await (await openRaw(server.port)).closed();
    expect(exchange).toMatchObject({ answers: [], ended: 'fin' });
  });

  it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const connection = await openRaw(server.port);
    await connection.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const exchange = await connection.closed();
    expect(exchange.answers.map((a) => a.status)).toEqual([200]);
    expect(exchange.ended).toBe('fin');
  });
});

describe('at the connection cap, a slow-header flood cannot keep a normal client out', () => {
  it('a new connection closes an idle keep-alive one first, then the one waiting longest for its headers', async () => {
    const capped = await start(['--max-connections', '6', '--headers-timeout-ms', '60000', '--request-timeout-ms', '120000', '--keep-alive-timeout-ms', '60000']);
    const idle = await openRaw(capped.port);
    await idle.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await idle.answers(1))[0]?.status).toBe(200);
    // Six connections that send a header one byte at a time and would never finish it. The sixth
    // finds the cap full: the idle keep-alive connection goes first, closed without an answer.
    const flood: RawConnection[] = [];
    const timers: NodeJS.Timeout[] = [];
    for (let i = 0; i < 6; i++) {
      const connection = await openRaw(capped.port);
      await connection.write('GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      timers.push(setInterval(() => void connection.write('x'), 200));
      flood.push(connection);
    }
    try {
      expect(await idle.closed()).toMatchObject({ ended: 'fin', answers: [{ status: 200 }] });
      // Every slot is the flood's now: a normal client takes the place of the oldest of them.
      const normal = () => rawExchange(capped.port, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      for (let i = 0; i < 3; i++) expect((await normal()).answers.map((a) => a.status)).toEqual([200]);
      const oldest = await flood[0]!.closed();
      expectJsonError(oldest.answers[0], 408, 'REQUEST_TIMEOUT');
      expectClosedAfter(oldest);
      // The newest flood connection is still waiting: the oldest go first.
      expect(flood[5]!.received().length).toBe(0);
      await stillServing(capped);
    } finally {
      for (const timer of timers) clearInterval(timer);
      for (const connection of flood) connection.socket.destroy();
    }
  });
});

describe('uploads the client gives up on', () => {
  it('an aborted upload is one plain log line, not an internal error with a stack trace', async () => {
    const connection = await openRaw(server.port);
    await connection.write(`${purchaseHead('Transfer-Encoding: chunked\r\n')}5\r\n{"pro\r\n`);
    connection.socket.destroy();
    const line = await waitForOutput(server, /POST \/api\/v1\/purchase.*/);
    expect(line).not.toMatch(/INTERNAL|failed: Error/);
    expect(server.output()).not.toMatch(/\n\s+at \S+ \(/);
    await stillServing();
  });
});

describe('failed authentication from one address', () => {
  const api = (key: string) => fetch(`${server.baseUrl}/api/v1/balance`, { headers: { 'X-API-Key': key } });
  const control = (token: string, path = '/_mock/state') => fetch(`${server.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const advance = (seconds: number) =>
    fetch(`${server.baseUrl}/_mock/clock/advance`, { method: 'POST', headers: { ...bearer, 'Content-Type': 'application/json' }, body: JSON.stringify({ seconds }) });

  it('the control token: its document is locked too, and guessing it is cut off after 20 tries', async () => {
    expect((await fetch(`${server.baseUrl}/_mock/openapi.yaml`)).status).toBe(401);
    expect((await control(TOKEN, '/_mock/openapi.yaml')).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await control(`guess-${i}-${randomBytes(4).toString('hex')}`)).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
    const refused = await control('one-more-guess');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ code: 'CONTROL_RATE_LIMITED', limit_scope: 'failed_auth_address' });
    // The token already used from this address still works: the guesser is slowed, the team is not.
    expect((await control(TOKEN)).status).toBe(200);
    expect((await advance(61)).status).toBe(200);
    expect((await control('wrong-again')).status).toBe(401);
  });

  it('guessed keys: the guesser gets 429 after 20, a key already used from the address keeps working', async () => {
    expect((await api('mk_test_alice')).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await api(`mk_guess_${i}_${randomBytes(4).toString('hex')}`)).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
    const guess = await api('mk_test_guess');
    expect(guess.status).toBe(429);
    const body = (await guess.json()) as { code: string; error: string; limit_scope: string };
    expect(body).toMatchObject({ code: 'RATE_LIMITED', limit_scope: 'failed_auth_address' });
    expect(body.error).toMatch(/address/);
    // The team's key answers normally; a key this address never used waits out the window.
    expect((await api('mk_test_alice')).status).toBe(200);
    expect((await api('mk_test_bob')).status).toBe(429);
    expect((await advance(61)).status).toBe(200);
    expect((await api('mk_test_bob')).status).toBe(200);
  });
});

describe('SIGTERM with a keep-alive client', () => {
  it('the answer to the request in flight says Connection: close, and the connection then ends with a FIN', async () => {
    const stopping = await start([]);
    const connection = await openRaw(stopping.port);
    await connection.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await connection.answers(1))[0]?.headers.connection).toBe('keep-alive');
    const body = '{"product_id":"002","quantity":1}';
    await connection.write(purchaseHead(`Content-Length: ${body.length}\r\nExpect: 100-continue\r\n`));
    await waitFor(() => connection.received().includes('100 Continue'));
    await connection.write(body.slice(0, 10));
    const exited = stopping.stop('SIGTERM');
    await waitForOutput(stopping, /SIGTERM: /);
    await connection.write(body.slice(10));
    const exchange = await connection.closed();
    expect(exchange.answers.map((a) => a.status)).toEqual([200, 200]);
    expectClosedAfter(exchange);
    expect(await exited).toBe(0);
  });
});

async function waitFor(done: () => boolean, timeoutMs = 20_000) {
  for (const until = Date.now() + timeoutMs; !done(); ) {
    if (Date.now() > until) throw new Error('gave up waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitForOutput(sandbox: SpawnedSandbox, pattern: RegExp): Promise<string> {
  await waitFor(() => pattern.test(sandbox.output()));
  return pattern.exec(sandbox.output())![0];
}

describe('afterwards', () => {
  it('the server logged no internal error and no stack trace for any of it', async () => {
    await stillServing();
    expect(server.output()).not.toMatch(/failed:|INTERNAL_ERROR|\n\s+at \S/);
  });
});
