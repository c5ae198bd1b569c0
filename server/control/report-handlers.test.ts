/**
 * GET /_mock/report over the real app. The journal store is not part of this branch: the report
 * reads a scripted list through AppDeps.readJournal, and the tests check the filter it is asked with.
 */
import { describe, expect, it } from 'vitest';
import { ReportView } from '../../spec/control-schemas.js';
import type { JournalFilter } from '../journal/journal-entry.js';
import { buildReport } from '../report/build-report.js';
import { fromWire } from '../report/format-json.js';
import { formatReport } from '../report/format-report.js';
import { carelessIntegration, SCRIPT_START } from '../test-support/journal-script.js';
import { createTestApp } from '../test-support/test-app.js';
import { elementsNamed, parseXml } from '../test-support/xml-check.js';

function reportApp(options: { controlToken?: string } = {}) {
  const entries = carelessIntegration().entries;
  const filters: JournalFilter[] = [];
  const t = createTestApp({
    ...options,
    readJournal: (filter) => {
      filters.push(filter);
      return entries;
    },
  });
  return { t, entries, filters };
}

describe('GET /_mock/report', () => {
  it('answers the report of the journal as JSON by default, read oldest first, judged with the sandbox settings', async () => {
    const { t, entries, filters } = reportApp();
    const res = await t.control('GET', '/report');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const report = fromWire(ReportView.parse(res.json));
    expect(report).toEqual(buildReport(entries, { rateLimit: 20, rateWindowSeconds: 60, scope: {} }));
    expect(filters).toEqual([{ order: 'oldest' }]);
  });

  it('turns the query into the journal filter and the scope: ISO 8601 and epoch ms alike', async () => {
    const { t, filters } = reportApp();
    const until = SCRIPT_START + 3_600_000;
    const res = await t.control('GET', `/report?account=alice&key_prefix=mk_test_al&since=2026-11-24T00:00:00Z&until=${until}`);
    expect(filters).toEqual([{ accountId: 'alice', keyPrefix: 'mk_test_al', since: SCRIPT_START, until, order: 'oldest' }]);
    expect(res.json.scope).toEqual({ account_id: 'alice', key_prefix: 'mk_test_al', since: SCRIPT_START, until });
  });

  it('uses the sandbox settings, and says it judges against the live limit', async () => {
    const { t } = reportApp();
    await t.control('PATCH', '/settings', { rate_limit: 100 });
    const res = await t.control('GET', '/report');
    expect(res.json.rate_limit).toEqual({ live: { limit: 20, window_seconds: 60 }, sandbox: { limit: 100, window_seconds: 60 } });
  });

  it('answers text and JUnit XML byte for byte as the formatters write them', async () => {
    const { t, entries } = reportApp();
    const report = buildReport(entries, { rateLimit: 20, rateWindowSeconds: 60, scope: {} });
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
    const { t, filters } = reportApp();
    const res = await t.control('GET', `/report?${query}`);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('CONTROL_VALIDATION');
    expect([...new Set(res.json.details.map((d: { path: string }) => d.path))]).toEqual([parameter]);
    expect(filters).toEqual([]);
  });

  it('is locked with the rest of the control API', async () => {
    const { t } = reportApp({ controlToken: 'secret-token-1' });
    expect((await t.control('GET', '/report')).status).toBe(401);
    expect((await t.control('GET', '/report', undefined, { Authorization: 'Bearer secret-token-1' })).status).toBe(200);
  });

  it('does not exist without a journal to read', async () => {
    const res = await createTestApp().control('GET', '/report');
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('NOT_FOUND');
  });
});
