/**
 * No request, however malformed, gets a 500 or a stack trace, and none changes
 * state. Sent over real HTTP (raw sockets where fetch would refuse to send it).
 */
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../server/test-support/test-app.js';

let t: TestApp;
let server: ReturnType<typeof serve>;
let base: string;
let port: number;

beforeAll(async () => {
  t = createTestApp();
  await t.control('PATCH', '/settings', { rate_limit: 100_000 });
  server = await new Promise((resolve) => {
    const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    // As the real server (server/http/harden-server.ts): a client that half-closes after its request
    // still gets the answer, which waits for the turn's commit.
    (s as typeof s & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  });
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw bytes and returns the status and body of the answer. */
function raw(request: Buffer | string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.end(request);
  });
}

const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/v1/purchase`, {
    method: 'POST',
    headers: { 'X-API-Key': 'mk_test_alice', 'Content-Type': 'application/json', ...headers },
    body,
  });

describe('malformed requests', () => {
  const bodies: [string, string | Uint8Array<ArrayBuffer>][] = [
    ['broken JSON', '{"product_id": "002", "quantity": '],
    ['deeply nested JSON', '['.repeat(5000) + ']'.repeat(5000)],
    ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ['huge number', '{"product_id":"002","quantity":1e400}'],
    ['quantity as object', '{"product_id":"002","quantity":{"$gt":0}}'],
    ['prototype pollution attempt', '{"__proto__":{"quantity":1},"product_id":"002"}'],
    ['product_id as array', '{"product_id":["002"],"quantity":1}'],
    ['NUL bytes', '{"product_id":"0\\u000002","quantity":1}'],
  ];

  it.each(bodies)('%s: a JSON 4xx with a stable code, nothing charged', async (_name, body) => {
    const res = await post(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const json = (await res.json()) as any;
    expect(json.success).toBe(false);
    expect(typeof json.code).toBe('string');
    expect(JSON.stringify(json)).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(await t.balance()).toBe(100);
  });

  it('odd headers and methods', async () => {
    const cases = [
      await post('{"product_id":"002","quantity":1}', { 'Content-Type': 'multipart/form-data; boundary=x' }),
      await fetch(`${base}/api/v1/balance`, { headers: { 'X-API-Key': 'mk_' + 'a'.repeat(10_000) } }),
      await fetch(`${base}/api/v1/purchase`, { method: 'OPTIONS' }),
      await fetch(`${base}/api/v1/balance?x=${'%'.repeat(10)}`, { headers: { 'X-API-Key': 'mk_test_alice' } }),
      await fetch(`${base}/_mock/accounts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"balance": "1e308"}' }),
    ];
    for (const res of cases) {
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get('content-type')).toMatch(/json/);
    }
  });

  it('raw requests: a lying Content-Length, a chunked body, a bad path encoding', async () => {
    const answers = [
      await raw('POST /api/v1/purchase HTTP/1.1\r\nHost: x\r\nX-API-Key: mk_test_alice\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"pro'),
      await raw(
        'POST /api/v1/purchase HTTP/1.1\r\nHost: x\r\nX-API-Key: mk_test_alice\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{"pro\r\n0\r\n\r\n',
      ),
      await raw('GET /api/v1/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      // Refused after 16 KiB; sent raw because the server closes the connection without reading the rest.
      await raw(
        `POST /api/v1/purchase HTTP/1.1\r\nHost: x\r\nX-API-Key: mk_test_alice\r\nContent-Type: application/json\r\nContent-Length: 3000040\r\nConnection: close\r\n\r\n${JSON.stringify({ product_id: '002', quantity: 1, pad: 'x'.repeat(3_000_000) })}`,
      ),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(() => JSON.parse(answer.body)).not.toThrow();
    }
    expect(await t.balance()).toBe(100);
  });

  it('a valid purchase still works over HTTP afterwards', async () => {
    const res = await post('{"product_id":"002","quantity":1}');
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).balance_remaining).toBe(95);
  });
});
