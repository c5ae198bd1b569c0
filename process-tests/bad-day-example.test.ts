/**
 * The README's worked example, examples/bad-day.sh, run as written (bash and curl) against a
 * spawned sandbox: an after-commit reset, then the same-key retry gets the same order, charged
 * once; the integration report finds nothing wrong with it and counts the retry as a pass.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../contract-tests/lib/settings.js';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';

let server: SpawnedSandbox;
beforeAll(async () => {
  server = await spawnSandbox({ db: ':memory:' });
}, 60_000);
afterAll(() => server?.kill());

describe('examples/bad-day.sh', () => {
  it('runs as written: no answer, then the same order replayed, and the wallet charged once', async () => {
    const { stdout } = await promisify(execFile)('bash', ['examples/bad-day.sh'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, BASE: `${server.baseUrl}/api/v1` },
      timeout: 30_000,
    });
    expect(stdout).toMatch(/^first try: no answer \(curl exit code (52|56)\)$/m);
    const retried = /^retry: order (ord_\w+), replayed: yes$/m.exec(stdout)?.[1];
    expect(retried, stdout).toBeDefined();
    expect(stdout).toContain(`journal: the lost answer was order ${retried}`);
    expect(stdout).toMatch(/^OK: same order, charged once$/m);

    const state = await (await fetch(`${server.baseUrl}/_mock/state`)).json();
    expect(state.accounts.find((a: { id: string }) => a.id === 'alice').balance).toBe(95);
    expect(state.orders.map((o: { id: string }) => o.id)).toEqual([retried]);

    // What the README says the report makes of it: no error or warning, the retry a pass.
    const report = await (await fetch(`${server.baseUrl}/_mock/report`)).json();
    expect(report.findings.filter((f: { severity: string }) => f.severity !== 'info')).toEqual([]);
    expect(report.passes.map((p: { id: string }) => p.id)).toContain('retry-kept-idempotency-key');
  });
});
