/**
 * The README's table of curl lines, one per error code: each line, run as
 * written against a fresh sandbox, must answer with the code of its row.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorCodes } from '../spec/error-codes.js';
import { hardenHttpServer } from '../server/http/harden-server.js';
import { createTestApp, type TestApp } from '../server/test-support/test-app.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const rows = [...readme.matchAll(/^\| (\d{3}) \| `([A-Z_]+)`[^|]*\| `((?:curl|for) .+)` \|$/gm)].map(([, status, code, command]) => ({
  status: Number(status),
  code: code!,
  command: command!,
}));

let t: TestApp;
let server: ReturnType<typeof serve>;
let base: string;
let mock: string;
beforeAll(async () => {
  t = createTestApp({ clientAddress: '127.0.0.1' });
  server = await new Promise((resolve) => {
    const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    // As `serve` does, with a short request timeout so the 408 line answers at once.
    hardenHttpServer(s as Server, { headersTimeoutMs: 1000, requestTimeoutMs: 1000, keepAliveTimeoutMs: 5000, maxConnections: 100 });
  });
  mock = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `${mock}/api/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(async () => {
  await t.control('POST', '/reset');
});

describe("the README's error table", () => {
  it('has a curl line for every error code', () => {
    expect(rows.map((r) => r.code).sort()).toEqual(Object.keys(errorCodes).sort());
  });

  it.each(rows)('$status $code', async ({ status, code, command }) => {
    const { stdout } = await promisify(execFile)('bash', ['-c', command], { env: { ...process.env, BASE: base }, timeout: 20_000 });
    // With -i the headers come first; the JSON body is the last paragraph.
    const body = JSON.parse(stdout.split(/\r?\n\r?\n/).pop()!);
    expect(body).toMatchObject({ success: false, code });
    expect(errorCodes[code as keyof typeof errorCodes].status).toBe(status);
    if (code === 'RATE_LIMITED') expect(stdout).toMatch(/^retry-after: \d+/im);
  });

  it('the hint after it moves the clock at the printed address ($MOCK), not a hard-coded one', async () => {
    const hint = /key waits 60 s \(or move the clock: `(curl [^`]+)`\)/.exec(readme)?.[1];
    expect(hint).toContain('"$MOCK/_mock/clock/advance"');
    await promisify(execFile)('bash', ['-c', hint!], { env: { ...process.env, MOCK: mock }, timeout: 20_000 });
    expect((await t.control('GET', '/clock')).json.offset_seconds).toBe(61);
    expect(readme).not.toMatch(/localhost:8080/);
  });
});
