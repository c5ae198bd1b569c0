import { describe, expect, it } from 'vitest';
import { carelessIntegration, cleanIntegration, journalScript } from '../test-support/journal-script.js';
import { elementsNamed, parseXml } from '../test-support/xml-check.js';
import { buildReport } from './build-report.js';
import { fromWire, toWire } from './format-json.js';
import { formatReport } from './format-report.js';
import { ruleIds } from './rules.js';

const LIVE = { rateLimit: 20, rateWindowSeconds: 60 };
const careless = buildReport(carelessIntegration().entries, { ...LIVE, scope: { accountId: 'alice' } });
const clean = buildReport(cleanIntegration().entries, { rateLimit: 100, rateWindowSeconds: 60 });
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

describe('text', () => {
  const text = formatReport(careless, 'text');

  it('opens with the counts per severity, the journal counts, the scope and the live limit', () => {
    expect(text.split('\n').slice(0, 4)).toEqual([
      'Integration report: 4 errors, 3 warnings, 1 info; 1 pass',
      '10 requests: 6 purchases, 3 orders, 0 replays, 2 faults met.',
      'From 2026-11-24T00:00:00Z to 2026-11-24T00:00:00Z (virtual clock); scope: account alice.',
      'Rate limit judged against live: 20 requests per 60 s per key (as this sandbox).',
    ]);
    expect(formatReport(clean, 'text')).toMatch(/^Integration report: 0 errors, 0 warnings, 0 info; 4 passes\n/);
    expect(formatReport(clean, 'text')).toMatch(/\(this sandbox: 100 per 60 s\)/);
  });

  it('shows every finding with its id, what happened, the fix and the entry ids', () => {
    for (const f of careless.findings) {
      expect(text).toContain(`${f.severity.toUpperCase()}`);
      expect(text).toContain(f.id);
      expect(oneLine(text)).toContain(oneLine(f.happened));
      expect(oneLine(text)).toContain(oneLine(`Fix: ${f.fix}`));
      if (f.entryIds.length > 0) expect(text).toContain(`Entries: ${f.entryIds.join(', ')}`);
    }
    expect(text).toContain('ERROR   retry-without-same-idempotency-key (account alice)');
    expect(text).toContain('WARNING requests-after-auth-failure (key mk_test_re…)');
  });

  it('shows the passes and the codes met and never met, with how to provoke them', () => {
    const cleanText = formatReport(clean, 'text');
    expect(cleanText).toMatch(/^PASS {4}Retries of failed purchases kept their Idempotency-Key\. 2 retries/m);
    expect(cleanText).toContain('Documented error codes met: 8 of 8');
    expect(text).toMatch(/^never {3}FORBIDDEN \(403\): use mk_test_suspended/m);
    expect(text).toMatch(/^met {5}INVALID_KEY \(401\) ×2, INSUFFICIENT_BALANCE \(402\) ×2, RATE_LIMITED \(429\) ×1/m);
  });

  it('keeps lines within 100 columns and cuts long entry lists with the count', () => {
    const j = journalScript();
    for (let i = 0; i < 30; i++) j.purchase({ product_id: '001', quantity: 1 });
    const text = formatReport(buildReport(j.entries, LIVE), 'text');
    expect(text.split('\n').every((line) => line.length <= 100)).toBe(true);
    expect(oneLine(text)).toContain('Entries: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, ... (30 in all)');
  });
});

describe('JSON', () => {
  it('round-trips: the wire form read back is the report', () => {
    for (const report of [careless, clean]) expect(fromWire(JSON.parse(formatReport(report, 'json')))).toEqual(report);
  });

  it('has snake_case keys only', () => {
    const keys: string[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) keys.push(key), collect(item);
    };
    collect(JSON.parse(formatReport(careless, 'json')));
    expect(keys).toEqual(expect.arrayContaining(['entry_ids', 'entry_count', 'account_id', 'key_prefix', 'first_at', 'how_to_provoke', 'window_seconds']));
    expect(keys.filter((key) => /[A-Z]/.test(key))).toEqual([]);
    expect(toWire(careless).findings[0]).toHaveProperty('entry_ids');
  });
});

describe('JUnit XML', () => {
  const failures = (xml: string) =>
    elementsNamed(parseXml(xml), 'testcase')
      .filter((testcase) => testcase.children.some((child) => child.name === 'failure'))
      .map((testcase) => testcase.attributes.name!.split(':')[0]);

  it('is well-formed: one testsuite "integration report", one testcase per rule', () => {
    const root = parseXml(formatReport(careless, 'junit'));
    const [suite] = elementsNamed(root, 'testsuite');
    expect(suite!.attributes).toMatchObject({ name: 'integration report', tests: String(ruleIds.length), failures: '4' });
    expect(suite!.children.map((testcase) => testcase.attributes.name!.split(':')[0])).toEqual(ruleIds);
  });

  it('fails the rules with a finding at or above the chosen severity', () => {
    const errors = ['purchase-without-idempotency-key', 'retry-without-same-idempotency-key', 'unknown-outcome-not-retried', 'idempotency-key-reused'];
    const warnings = ['request-before-retry-after', 'repeated-after-client-error', 'requests-after-auth-failure'];
    expect(failures(formatReport(careless, 'junit', 'error'))).toEqual(errors);
    expect(failures(formatReport(careless, 'junit', 'warning')).sort()).toEqual([...errors, ...warnings].sort());
    expect(failures(formatReport(careless, 'junit', 'info'))).toHaveLength(8);
    expect(failures(formatReport(clean, 'junit', 'info'))).toEqual([]);
  });

  it('puts the fix and the entries in the failure, and findings below the threshold in system-out', () => {
    const root = parseXml(formatReport(careless, 'junit', 'error'));
    const testcase = (id: string) => elementsNamed(root, 'testcase').find((t) => t.attributes.name!.startsWith(`${id}:`))!;
    const failure = testcase('retry-without-same-idempotency-key').children.find((c) => c.name === 'failure')!;
    expect(failure.attributes.type).toBe('error');
    expect(failure.text).toMatch(/Fix: Keep the Idempotency-Key with the order/);
    expect(failure.text).toMatch(/Entries: 1, 2/);
    expect(testcase('repeated-after-client-error').children.map((c) => c.name)).toEqual(['system-out']);
    expect(testcase('untested-error-codes').children.find((c) => c.name === 'system-out')!.text).toMatch(/never met FORBIDDEN \(403\)/);
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    const j = journalScript();
    const nasty = 'a<b>&"c\'\u0001';
    j.purchase({ product_id: '002', quantity: 1 }, { accountId: nasty, idempotencyKey: 'k' });
    j.purchase({ product_id: '001', quantity: 1 }, { accountId: nasty, idempotencyKey: 'k', errorCode: 'IDEMPOTENCY_KEY_REUSED' });
    const root = parseXml(formatReport(buildReport(j.entries, LIVE), 'junit'));
    const failure = elementsNamed(root, 'failure')[0]!;
    expect(failure.text).toContain('(account a<b>&"c\'\uFFFD)');
  });
});

describe('the XML check itself', () => {
  it.each(['<a><b></a></b>', '<a>x & y</a>', '<a b=c/>', '<a/><b/>', '<a>', '<a b="1" b="2"/>'])('refuses %j', (xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});
