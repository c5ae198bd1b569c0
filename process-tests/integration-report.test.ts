/**
 * The integration report end to end: a small integration drives a spawned sandbox over HTTP,
 * with a deliberate mistake of each kind, and GET /_mock/report and the `report` command (run
 * as a process) name each finding with the journal entries of the requests that made it. A
 * clean integration — a key on every purchase, the same key after an after-commit fault, the
 * virtual clock moved past a 429's retry_after_seconds — gets no error or warning.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../contract-tests/lib/settings.js';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';
import { readAnswer, type Answer } from '../server/test-support/test-app.js';
import { elementsNamed, parseXml } from '../server/test-support/xml-check.js';

let sandbox: SpawnedSandbox;
beforeAll(async () => {
  sandbox = await spawnSandbox();
}, 60_000);
afterAll(() => sandbox?.kill());
beforeEach(async () => {
  // Back to the default fixture: empty journal, no fault rules, the clock at real time.
  expect((await control('POST', '/reset')).status).toBe(200);
});

async function control(method: string, path: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json' };
  return readAnswer(await fetch(`${sandbox.baseUrl}/_mock${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
}

interface Sent {
  /** The journal entry of this request. */
  entry: number;
  /** The answer; undefined when the connection was reset or closed without one. */
  answer?: Answer;
}

/** One request of the integration, and the id of the journal entry it made. */
async function send(method: string, path: string, options: { key?: string; body?: unknown; idempotencyKey?: string } = {}): Promise<Sent> {
  const headers: Record<string, string> = {};
  if (options.key !== undefined) headers['X-API-Key'] = options.key;
  if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let answer: Answer | undefined;
  try {
    answer = await readAnswer(
      await fetch(`${sandbox.baseUrl}/api/v1${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) }),
    );
  } catch {
    answer = undefined; // reset or closed: the client got no answer
  }
  // One client, one request at a time: its entry is the newest (written before the next request is read).
  const [newest] = (await control('GET', '/journal?limit=1')).json.entries;
  expect(newest).toMatchObject({ method, path: `/api/v1${path}`, idempotency_key: options.idempotencyKey ?? null });
  return { entry: newest.id, answer };
}

const buy = (key: string, body: { product_id: string; quantity: number }, idempotencyKey?: string) =>
  send('POST', '/purchase', { key, body, idempotencyKey });

/** `ai-market-sandbox report` as a process: its exit code and output. */
async function reportCommand(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = ['--import', 'tsx', 'cli/main.ts', 'report', '--base-url', sandbox.baseUrl, ...args];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, argv, { cwd: PROJECT_ROOT, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

interface WireFinding {
  id: string;
  severity: string;
  account_id: string | null;
  key_prefix: string | null;
  happened: string;
  entry_ids: number[];
}

/** The error and warning findings, by rule id. */
const serious = (report: { findings: WireFinding[] }) =>
  Object.fromEntries(report.findings.filter((f) => f.severity !== 'info').map((f) => [f.id, f]));

describe('the integration report of a careless integration', () => {
  it('names each mistake with its journal entries, at GET /_mock/report and in the report command (exit 1, JSON and JUnit)', async () => {
    const alice = 'mk_test_alice';

    // 1. A purchase without an Idempotency-Key.
    const noKey = await buy(alice, { product_id: '001', quantity: 1 });
    expect(noKey.answer?.status).toBe(200);

    // 2. A purchase committed, its answer replaced by a 502 after the commit; retried with another key.
    expect((await control('POST', '/faults', { kind: 'after_commit_error', status: 502, times: 1 })).status).toBe(201);
    const lost502 = await buy(alice, { product_id: '002', quantity: 1 }, 'order-a');
    expect(lost502.answer?.json.code).toBe('UPSTREAM_ERROR');
    const retriedWithAnotherKey = await buy(alice, { product_id: '002', quantity: 1 }, 'order-a-again');
    expect(retriedWithAnotherKey.answer?.status).toBe(200);
    //    And one whose connection was reset after the commit, retried without any key.
    expect((await control('POST', '/faults', { kind: 'after_commit_reset', times: 1 })).status).toBe(201);
    const lostReset = await buy(alice, { product_id: '004', quantity: 1 }, 'order-b');
    expect(lostReset.answer).toBeUndefined();
    const retriedWithoutKey = await buy(alice, { product_id: '004', quantity: 1 });
    expect(retriedWithoutKey.answer?.status).toBe(200);

    // 3. A request before the retry_after_seconds of a 429 had passed (bob's key: 20 requests fill its window).
    for (let i = 0; i < 20; i++) expect((await send('GET', '/balance', { key: 'mk_test_bob' })).answer?.status).toBe(200);
    const limited = await send('GET', '/balance', { key: 'mk_test_bob' });
    expect(limited.answer?.status).toBe(429);
    const tooEarly = await send('GET', '/balance', { key: 'mk_test_bob' });

    // 4. The same 402 request, repeated unchanged.
    const pricey = { product_id: '005', quantity: 1 };
    const declined = await buy(alice, pricey, 'order-c');
    expect(declined.answer?.json.code).toBe('INSUFFICIENT_BALANCE');
    const declinedAgain = await buy(alice, pricey, 'order-c');
    expect(declinedAgain.answer?.json.code).toBe('INSUFFICIENT_BALANCE');

    // 5. Traffic after a 401.
    const refused = await send('GET', '/products', { key: 'mk_test_revoked' });
    expect(refused.answer?.json.code).toBe('INVALID_KEY');
    const refusedAgain = await send('GET', '/balance', { key: 'mk_test_revoked' });

    // 6. One Idempotency-Key for two different purchases.
    expect((await buy(alice, { product_id: '001', quantity: 1 }, 'order-d')).answer?.status).toBe(200);
    const reused = await buy(alice, { product_id: '001', quantity: 2 }, 'order-d');
    expect(reused.answer?.json.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const res = await control('GET', '/report');
    expect(res.status).toBe(200);
    const findings = serious(res.json);
    expect(Object.keys(findings).sort()).toEqual([
      'idempotency-key-reused',
      'purchase-without-idempotency-key',
      'repeated-after-client-error',
      'request-before-retry-after',
      'requests-after-auth-failure',
      'retry-without-same-idempotency-key',
    ]);
    expect(findings['purchase-without-idempotency-key']).toMatchObject({ severity: 'error', account_id: 'alice', entry_ids: [noKey.entry, retriedWithoutKey.entry] });
    const retries = findings['retry-without-same-idempotency-key']!;
    expect(retries).toMatchObject({
      severity: 'error',
      account_id: 'alice',
      entry_ids: [lost502.entry, retriedWithAnotherKey.entry, lostReset.entry, retriedWithoutKey.entry],
    });
    expect(retries.happened).toMatch(/retried with another Idempotency-Key or none \(1 without\)\. 2 of the first attempts had been committed .*2 retries charged it again\./);
    expect(findings['request-before-retry-after']).toMatchObject({ severity: 'warning', account_id: 'bob', key_prefix: 'mk_test_bo', entry_ids: [limited.entry, tooEarly.entry] });
    expect(findings['repeated-after-client-error']).toMatchObject({ severity: 'warning', account_id: 'alice', entry_ids: [declined.entry, declinedAgain.entry] });
    expect(findings['requests-after-auth-failure']).toMatchObject({ severity: 'warning', key_prefix: 'mk_test_re', entry_ids: [refused.entry, refusedAgain.entry] });
    expect(findings['idempotency-key-reused']).toMatchObject({ severity: 'error', account_id: 'alice', entry_ids: [reused.entry] });

    // The command fetches the same report; --format json prints it as the endpoint answers it.
    const json = await reportCommand(['--format', 'json', '--fail-on', 'error']);
    expect(json.code, json.stderr).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual(res.json);

    // JUnit for CI: well-formed XML, one testcase per rule, a failure on each error rule (and only those at --fail-on error).
    const junit = await reportCommand(['--format', 'junit']);
    expect(junit.code, junit.stderr).toBe(1);
    const cases = elementsNamed(parseXml(junit.stdout), 'testcase');
    expect(cases).toHaveLength(res.json.rules.length);
    const failed = cases.filter((c) => elementsNamed(c, 'failure').length > 0).map((c) => c.attributes.name!.split(':')[0]);
    expect(failed.sort()).toEqual(['idempotency-key-reused', 'purchase-without-idempotency-key', 'retry-without-same-idempotency-key']);
    const missingKey = cases.find((c) => c.attributes.name!.startsWith('purchase-without-idempotency-key:'))!;
    expect(elementsNamed(missingKey, 'failure')[0]!.text).toContain(`Entries: ${noKey.entry}, ${retriedWithoutKey.entry}`);

    // Warnings fail the run only when asked to.
    expect((await reportCommand(['--format', 'json', '--account', 'bob'])).code).toBe(0);
    expect((await reportCommand(['--format', 'json', '--account', 'bob', '--fail-on', 'warning'])).code).toBe(1);
  });
});

describe('the integration report of a clean integration', () => {
  it('has no error or warning, and reports the retry that kept its key as a pass', async () => {
    const alice = 'mk_test_alice';
    expect((await send('GET', '/products', { key: alice })).answer?.status).toBe(200);
    expect((await buy(alice, { product_id: '001', quantity: 1 }, 'clean-1')).answer?.status).toBe(200);

    // The answer is lost after the commit; the retry resends the same key and gets the order replayed.
    expect((await control('POST', '/faults', { kind: 'after_commit_error', status: 504, times: 1 })).status).toBe(201);
    const lost = await buy(alice, { product_id: '002', quantity: 1 }, 'clean-2');
    expect(lost.answer?.status).toBe(504);
    const retry = await buy(alice, { product_id: '002', quantity: 1 }, 'clean-2');
    expect(retry.answer?.status).toBe(200);
    expect(retry.answer?.headers.get('idempotent-replayed')).toBe('true');

    // A 429, then the client waits out retry_after_seconds — on the virtual clock — before its next request.
    for (let i = 0; i < 20; i++) await send('GET', '/balance', { key: 'mk_test_bob' });
    const limited = await send('GET', '/balance', { key: 'mk_test_bob' });
    expect(limited.answer?.status).toBe(429);
    const wait = limited.answer?.json.retry_after_seconds as number;
    expect((await control('POST', '/clock/advance', { seconds: wait })).status).toBe(200);
    expect((await send('GET', '/balance', { key: 'mk_test_bob' })).answer?.status).toBe(200);

    const report = (await control('GET', '/report')).json;
    expect(serious(report)).toEqual({});
    const passes = Object.fromEntries((report.passes as { id: string; entry_ids: number[] }[]).map((p) => [p.id, p]));
    expect(passes['retry-kept-idempotency-key']).toMatchObject({ entry_ids: [retry.entry] });
    expect(passes['purchases-carried-idempotency-key']).toBeDefined();
    expect(passes['waited-after-rate-limit']).toMatchObject({ entry_ids: [limited.entry] });

    const cli = await reportCommand(['--fail-on', 'warning']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^Integration report: 0 errors, 0 warnings/);
  });
});
