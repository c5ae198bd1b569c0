/**
 * GET /_mock/report over the real app and the real journal store: the scripted entries are
 * written to the journal as the journal stage would write them, and the report reads them back
 * (every entry the journal keeps, oldest first) with the scope the query asks for.
 */
import { describe, expect, it } from 'vitest';
import { ReportView } from '../../spec/control-schemas.js';
import type { JournalEntry } from '../journal/journal-entry.js';
import { buildReport } from '../report/build-report.js';
import { fromWire } from '../report/format-json.js';
import { formatReport } from '../report/format-report.js';
import { bob, carelessIntegration, journalScript, SCRIPT_START } from '../test-support/journal-script.js';
import { createTestApp } from '../test-support/test-app.js';
import { elementsNamed, parseXml } from '../test-support/xml-check.js';

/** A test app whose journal holds these entries (ids 1, 2, ... as in the script: loading the fixture emptied it). */
function reportApp(entries: readonly JournalEntry[] = carelessIntegration().entries, options: { controlToken?: string } = {}) {
  const t = createTestApp(options);
  for (const { id, ...entry } of entries) expect(t.store.journal.record(entry)).toBe(id);
  return { t, entries };
}

const LIVE = { rateLimit: 20, rateWindowSeconds: 60 };

describe('GET /_mock/report', () => {
  it('answers the report of the journal as JSON by default, judged with the sandbox settings', async () => {
    const { t, entries } = reportApp();
    const res = await t.control('GET', '/report');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(fromWire(ReportView.parse(res.json))).toEqual(buildReport(entries, { ...LIVE, scope: {} }));
  });

  it('reads every entry the journal keeps, not a page of them', async () => {
    const j = journalScript();
    for (let i = 0; i < 150; i++) {
      j.balance();
      j.wait(4);
    }
    const { t, entries } = reportApp(j.entries);
    expect((await t.control('GET', '/report')).json.counts.requests).toBe(150);
    await t.control('PATCH', '/settings', { journal_limit: 120 });
    const bounded = await t.control('GET', '/report');
    expect(bounded.json.counts.requests).toBe(120);
    expect(fromWire(ReportView.parse(bounded.json))).toEqual(buildReport(entries.slice(-120), { ...LIVE, scope: {} }));
  });

  it('narrows the journal to the query: account, key prefix, and a time range in ISO 8601 or epoch ms', async () => {
    const j = journalScript();
    j.balance();
    j.wait(60);
    j.purchase({ product_id: '002', quantity: 1 }); // alice, in the range
    j.purchase({ product_id: '002', quantity: 1 }, bob); // bob
    j.wait(3600);
    j.purchase({ product_id: '002', quantity: 1 }); // alice, after the range
    const { t, entries } = reportApp(j.entries);
    const since = SCRIPT_START + 30_000;
    const until = SCRIPT_START + 3_600_000;
    const res = await t.control('GET', `/report?account=alice&key_prefix=mk_test_al&since=2026-11-24T00:00:30Z&until=${until}`);
    expect(res.json.scope).toEqual({ account_id: 'alice', key_prefix: 'mk_test_al', since, until });
    const scope = { accountId: 'alice', keyPrefix: 'mk_test_al', since, until };
    expect(fromWire(ReportView.parse(res.json))).toEqual(buildReport([entries[1]!], { ...LIVE, scope }));
  });

  it('uses the sandbox settings, and says it judges against the live limit', async () => {
    const { t } = reportApp();
    await t.control('PATCH', '/settings', { rate_limit: 100 });
    const res = await t.control('GET', '/report');
    expect(res.json.rate_limit).toEqual({ live: { limit: 20, window_seconds: 60 }, sandbox: { limit: 100, window_seconds: 60 } });
  });

  it('answers text and JUnit XML byte for byte as the formatters write them', async () => {
    const { t, entries } = reportApp();
    const report = buildReport(entries, { ...LIVE, scope: {} });
    const text = await t.control('GET', '/report?format=text');
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.text).toBe(formatReport(report, 'text'));
    const junit = await t.control('GET', '/report?format=junit&fail_on=warning');
    expect(junit.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(junit.text).toBe(formatReport(report, 'junit', 'warning'));
    expect(elementsNamed(parseXml(junit.text), 'failure')).toHaveLength(7);
  });

  it.each([
    ['since=yesterday', 'since'],
    ['until=2026-13-45T00:00:00Z', 'until'],
    ['since=2026-11-24T10:00:00Z&until=2026-11-24T09:00:00Z', 'until'],
    ['format=html', 'format'],
    ['fail_on=fatal', 'fail_on'],
    ['account=al%20ice', 'account'],
    ['key_prefix=', 'key_prefix'],
  ])('answers 400 CONTROL_VALIDATION naming the parameter for %s', async (query, parameter) => {
    const { t } = reportApp();
    const res = await t.control('GET', `/report?${query}`);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('CONTROL_VALIDATION');
    expect([...new Set(res.json.details.map((d: { path: string }) => d.path))]).toEqual([parameter]);
  });

  it('is locked with the rest of the control API', async () => {
    const { t } = reportApp(undefined, { controlToken: 'secret-token-1' });
    expect((await t.control('GET', '/report')).status).toBe(401);
    expect((await t.control('GET', '/report', undefined, { Authorization: 'Bearer secret-token-1' })).status).toBe(200);
  });

  it('judges what the journal stage recorded of real requests', async () => {
    const t = createTestApp();
    await t.purchase({ product_id: '002', quantity: 1 });
    const res = await t.control('GET', '/report');
    expect(res.json.findings.map((f: { id: string }) => f.id)).toContain('purchase-without-idempotency-key');
    const finding = res.json.findings.find((f: { id: string }) => f.id === 'purchase-without-idempotency-key');
    expect(finding).toMatchObject({ account_id: 'alice', entry_ids: [t.store.journal.lastId()] });
  });

  it('reads the real journal in arrival order: a slow purchase is written after the retry sent while it ran', async () => {
    const t = createTestApp();
    await t.control('POST', '/faults', { kind: 'latency', ms: 300, times: 1 });
    const body = { product_id: '002', quantity: 1 };
    const slow = t.purchase(body, { idempotencyKey: 'slow-1' });
    t.clock.advance(5000); // the client gives up on it and buys again, with a new key
    const retry = await t.purchase(body, { idempotencyKey: 'slow-2' });
    expect(retry.status).toBe(200);
    expect((await slow).status).toBe(200);
    const [retried, first] = t.store.journal.list({ order: 'oldest' });
    expect([first!.idempotencyKey, retried!.idempotencyKey]).toEqual(['slow-1', 'slow-2']);
    const finding = (await t.control('GET', '/report')).json.findings.find((f: { id: string }) => f.id === 'retry-without-same-idempotency-key');
    expect(finding).toMatchObject({ account_id: 'alice', entry_ids: [retried!.id, first!.id] });
    expect(finding.happened).toMatch(/The first attempt had been committed \(latency\): the wallet was charged, and the retry charged it again\./);
  });

  it('tells apart two keys whose shown prefixes agree', async () => {
    const t = createTestApp();
    const twins = { id: 'twins', balance: 10, keys: [{ key: 'mk_test_twin_one' }, { key: 'mk_test_twin_two' }] };
    expect((await t.control('POST', '/fixtures', { accounts: [twins], products: [] })).status).toBe(200);
    await t.control('PATCH', '/settings', { rate_limit: 100 });
    for (let i = 0; i < 15; i++) {
      await t.call('GET', '/api/v1/balance', { key: 'mk_test_twin_one' });
      await t.call('GET', '/api/v1/balance', { key: 'mk_test_twin_two' });
    }
    const entries = t.store.journal.list({ limit: 1000 });
    expect(new Set(entries.map((e) => e.keyPrefix))).toEqual(new Set(['mk_test_tw']));
    expect(new Set(entries.map((e) => e.keyHash)).size).toBe(2);
    const report = (await t.control('GET', '/report')).json;
    expect(report.findings.map((f: { id: string }) => f.id)).not.toContain('over-live-rate-limit');
    expect(report.passes.map((p: { id: string }) => p.id)).toContain('within-live-rate-limit');
    // The hash stays inside: the journal's view shows the prefix only.
    expect(JSON.stringify((await t.control('GET', '/journal')).json)).not.toMatch(/hash/);
  });
});
