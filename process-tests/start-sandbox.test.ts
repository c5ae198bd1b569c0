import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openRaw, rawExchange } from '../contract-tests/lib/raw-http.js';
import { ConfigError, ControlApiError, FixtureError, startSandbox } from '../server/index.js';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'start-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const balance = async (apiBaseUrl: string, key: string) =>
  (await (await fetch(`${apiBaseUrl}/balance`, { headers: { 'X-API-Key': key } })).json()) as { balance: number };

describe('startSandbox', () => {
  it('serves the default fixture on a free port of 127.0.0.1, in memory, and stops', async () => {
    const sandbox = await startSandbox();
    try {
      expect(sandbox.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.apiBaseUrl).toBe(`${sandbox.baseUrl}/api/v1`);
      expect(sandbox.controlToken).toBeUndefined();
      expect(await balance(sandbox.apiBaseUrl, 'mk_test_alice')).toEqual({ balance: 100, currency: 'USDT' });
      const state = await sandbox.control.state();
      expect(state.accounts.map((a) => a.id)).toContain('alice');
      expect(state.settings).toEqual({ idempotency_reuse: 'reject', rate_limit: 20, rate_window_seconds: 60, journal_limit: 10_000 });
    } finally {
      await sandbox.stop();
    }
    await expect(fetch(`${sandbox.baseUrl}/health`)).rejects.toThrow();
    await sandbox.stop(); // a second stop is harmless
  });

  it('takes the settings of serve: rate limit, window, idempotency reuse, control token', async () => {
    const sandbox = await startSandbox({ rateLimit: 3, rateWindow: 10, idempotencyReuse: 'replay', controlToken: 'secret-token-1' });
    try {
      expect(sandbox.controlToken).toBe('secret-token-1');
      expect(await sandbox.control.settings.get()).toEqual({ idempotency_reuse: 'replay', rate_limit: 3, rate_window_seconds: 10, journal_limit: 10_000 });
      expect((await fetch(`${sandbox.baseUrl}/_mock/state`)).status).toBe(401);
      for (let i = 0; i < 3; i++) await balance(sandbox.apiBaseUrl, 'mk_test_bob');
      expect((await fetch(`${sandbox.apiBaseUrl}/balance`, { headers: { 'X-API-Key': 'mk_test_bob' } })).status).toBe(429);
      await sandbox.control.clock.advance(11);
      expect((await fetch(`${sandbox.apiBaseUrl}/balance`, { headers: { 'X-API-Key': 'mk_test_bob' } })).status).toBe(200);
    } finally {
      await sandbox.stop();
    }
  });

  it('seeds from a fixture file, keeps state in a database file, and closes it on stop', async () => {
    const fixturePath = join(dir, 'team.json');
    writeFileSync(fixturePath, JSON.stringify({ accounts: [{ id: 'team', balance: 7, keys: [{ key: 'mk_test_team' }] }], products: [] }));
    const db = join(dir, 'state.sqlite');
    const first = await startSandbox({ fixture: fixturePath, db });
    await first.control.accounts.topUp('team', 3);
    await first.stop();
    const second = await startSandbox({ fixture: fixturePath, db });
    try {
      expect(await balance(second.apiBaseUrl, 'mk_test_team')).toEqual({ balance: 10, currency: 'USDT' });
    } finally {
      await second.stop();
    }
  });

  it('refuses a bad setting or fixture with the name of what is wrong', async () => {
    await expect(startSandbox({ rateLimit: 0 })).rejects.toThrow(ConfigError);
    await expect(startSandbox({ controlToken: 'short' })).rejects.toThrow(/options\.controlToken/);
    await expect(startSandbox({ fixture: { accounts: [{ id: 'x', balance: -1 }], products: [] } })).rejects.toThrow(FixtureError);
    await expect(startSandbox({ fixture: { accounts: [{ id: 'x', balance: -1 }], products: [] } })).rejects.toThrow(/accounts\.0\.balance/);
    await expect(startSandbox({ fixture: join(dir, 'missing.json') })).rejects.toThrow(/cannot read fixture file/);
  });

  it('has the HTTP layer of serve: JSON for what the parser refuses, its timeouts as configured', async () => {
    const sandbox = await startSandbox({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    try {
      const garbage = await rawExchange(sandbox.baseUrl, 'HELLO WORLD\r\n\r\n');
      expect(garbage.answers.map((a) => [a.status, a.json?.code, a.headers.connection])).toEqual([[400, 'BAD_REQUEST', 'close']]);
      const stalled = await openRaw(sandbox.baseUrl);
      await stalled.write('GET /health HTTP/1.1\r\nHost: x\r\nX-Never-Ends: ');
      expect((await stalled.closed()).answers.map((a) => [a.status, a.json?.code])).toEqual([[408, 'REQUEST_TIMEOUT']]);
    } finally {
      await sandbox.stop();
    }
    await expect(startSandbox({ maxConnections: 0 })).rejects.toThrow(/options\.maxConnections/);
  });

  it('reports control API refusals as ControlApiError with status, code and details', async () => {
    const sandbox = await startSandbox();
    try {
      const refusal = await sandbox.control.accounts.topUp('alice', -5).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ControlApiError);
      expect(refusal).toMatchObject({ status: 400, code: 'CONTROL_VALIDATION', details: [{ path: 'amount' }] });
      await expect(sandbox.control.accounts.suspend('nobody')).rejects.toMatchObject({ status: 404, code: 'ACCOUNT_NOT_FOUND' });
      await expect(sandbox.control.faults.remove(999)).rejects.toMatchObject({ status: 404 });
    } finally {
      await sandbox.stop();
    }
  });

  it('adds, lists and removes fault rules, and reads the journal, typed from the spec', async () => {
    const sandbox = await startSandbox({ faults: [{ kind: 'latency', ms: 1, operation: 'listProducts' }] });
    try {
      const { control, apiBaseUrl } = sandbox;
      expect((await control.faults.list()).faults).toMatchObject([{ kind: 'latency', source: 'config', ms: 1 }]);
      const rule = await control.faults.add({ kind: 'error_response', operation: 'getBalance', status: 503, times: 1 });
      expect(rule).toMatchObject({ kind: 'error_response', source: 'api', status: 503, remaining: 1 });

      expect((await fetch(`${apiBaseUrl}/balance`, { headers: { 'X-API-Key': 'mk_test_alice' } })).status).toBe(503);
      expect((await fetch(`${apiBaseUrl}/balance`, { headers: { 'X-API-Key': 'mk_test_alice' } })).status).toBe(200);
      const { entries } = await control.journal.list({ account: 'alice', order: 'oldest' });
      expect(entries.map((e) => [e.status, e.fault])).toEqual([
        [503, 'error_response'],
        [200, null],
      ]);
      expect(Date.parse(entries[0]!.at)).not.toBeNaN();
      expect((await control.journal.list({ status: 503 })).entries).toHaveLength(1);

      expect((await control.faults.remove(rule.id)).id).toBe(rule.id);
      expect((await control.faults.list()).faults.map((f) => f.source)).toEqual(['config']);
      await control.journal.clear();
      expect((await control.journal.list()).entries).toEqual([]);
    } finally {
      await sandbox.stop();
    }
  });

  it('is documented in the README with the exact example the tests run', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const example = readFileSync(join(PROJECT_ROOT, 'examples/vitest-sandbox.test.ts'), 'utf8');
    const block = /<!-- examples\/vitest-sandbox\.test\.ts -->\n```ts\n([\s\S]*?)```/.exec(readme);
    expect(block, 'README.md has no ```ts block after <!-- examples/vitest-sandbox.test.ts -->').not.toBeNull();
    expect(block![1]).toBe(example);
  });
});
