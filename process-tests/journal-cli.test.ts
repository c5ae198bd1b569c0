/**
 * `ai-market-sandbox journal` against a sandbox on a real socket: one line per entry, --json,
 * filters, exit code 2 for a wrong flag or a filter the sandbox refuses, 1 for no sandbox, and
 * --follow printing a new entry as it is written (the command run as a process).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runJournal } from '../cli/journal-command.js';
import { PROJECT_ROOT } from '../contract-tests/lib/settings.js';
import { deadPort } from './support/dead-port.js';
import { listen, type ListeningApp } from './support/listening-app.js';

let t: ListeningApp;
beforeAll(async () => {
  t = await listen();
  const headers = { 'X-API-Key': 'mk_test_alice' };
  await fetch(`${t.origin}/api/v1/balance`, { headers });
  await fetch(`${t.origin}/api/v1/purchase`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json', 'Idempotency-Key': 'cli-1' },
    body: '{"product_id":"002","quantity":1}',
  });
  await fetch(`${t.origin}/api/v1/orders`, { headers });
});
afterAll(() => t.close());
afterEach(() => vi.restoreAllMocks());

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  const code = await runJournal(args, {});
  vi.restoreAllMocks();
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('ai-market-sandbox journal', () => {
  it('prints one line per entry, oldest first: time, status, request, key prefix, code, fault, Idempotency-Key, latency', async () => {
    const { code, stdout } = await run(['--base-url', t.origin]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^2026-01-01T00:00:00\.000Z {2}200 {2}GET \/api\/v1\/balance {2}key=mk_test_al {2}code=- {2}fault=- {2}idempotency-key=- {2}\d+ms$/);
    expect(lines[1]).toContain('POST /api/v1/purchase  key=mk_test_al  code=-  fault=-  idempotency-key=cli-1');
    expect(lines[2]).toContain('404  GET /api/v1/orders  key=mk_test_al  code=NOT_FOUND');
  });

  it('filters, and prints JSON lines with --json (the API base URL works too)', async () => {
    const { code, stdout } = await run(['--base-url', `${t.origin}/api/v1`, '--operation', 'purchase', '--json']);
    expect(code).toBe(0);
    const entries = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(entries).toEqual([expect.objectContaining({ operation: 'purchase', idempotency_key: 'cli-1', status: 200, order_id: expect.stringMatching(/^ord_/) })]);
  });

  it.each([
    [['--base-url', 'x'], /--base-url must be an http\(s\) URL/],
    [[], /--base-url is required/],
    [['--base-url', 'http://127.0.0.1:1', '--verbose'], /Unknown option '--verbose'/],
    [['--limit', '5000'], /--limit: must be at most 1000/],
    [['--since', 'last tuesday'], /--since: must be an ISO 8601 time/],
    [['--key-prefix', ''], /--key-prefix must not be empty/],
  ])('%j: one line on stderr, exit code 2', async (args, message) => {
    const withUrl = args.includes('--base-url') || args.length === 0 ? args : ['--base-url', t.origin, ...args];
    const { code, stderr } = await run(withUrl);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('says so when nothing answers, exit code 1', async () => {
    const port = await deadPort();
    const { code, stderr } = await run(['--base-url', `http://127.0.0.1:${port}`]);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`cannot reach http://127.0.0.1:${port}: ECONNREFUSED`));
  });

  it('--follow: prints what is there, then each new entry as it is written', async () => {
    const child = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['cli/main.ts', 'journal', '--base-url', t.origin, '--follow', '--limit', '1'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    try {
      await vi.waitFor(() => expect(output).toContain('GET /api/v1/orders'), { timeout: 20_000, interval: 50 });
      // Connected once the first page is printed and the stream is open; a new request shows up unasked.
      await vi.waitFor(
        async () => {
          await fetch(`${t.origin}/api/v1/products`, { headers: { 'X-API-Key': 'mk_test_bob' } });
          expect(output).toMatch(/200 {2}GET \/api\/v1\/products {2}key=mk_test_bo/);
        },
        { timeout: 20_000, interval: 300 },
      );
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
  });
});
