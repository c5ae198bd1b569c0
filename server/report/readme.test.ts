/**
 * The README's integration-report section stays true: its rules table is the rules of rules.ts,
 * word for word, and its example is what the text formatter writes for the sequence below.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journalScript } from '../test-support/journal-script.js';
import { buildReport } from './build-report.js';
import { formatReport } from './format-report.js';
import { ruleIds, rules } from './rules.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('### The integration report');
// Up to the next top-level section: later tables (the startSandbox options) are not rules.
const section = readme.slice(start, readme.indexOf('\n## ', start));

describe('README: the integration report', () => {
  it('has one row per rule, with its severity, meaning and fix', () => {
    const rows = [...section.matchAll(/^\| `([a-z-]+)` \| .+ \|$/gm)].map((m) => m[0]);
    expect(rows).toEqual(ruleIds.map((id) => `| \`${id}\` | ${rules[id].severity} | ${rules[id].means} | ${rules[id].fix} |`));
  });

  it('shows the text report of a real run of the formatter', () => {
    const j = journalScript();
    j.products();
    j.purchase({ product_id: '002', quantity: 1 }, { status: 0, fault: 'after_commit_reset' });
    j.wait(5);
    j.purchase({ product_id: '002', quantity: 1 });
    j.wait(1);
    j.purchase({ product_id: '004', quantity: 1 }, { idempotencyKey: 'order-7', status: 0, fault: 'reset_before' });
    j.wait(3);
    j.purchase({ product_id: '004', quantity: 1 }, { idempotencyKey: 'order-7' });
    j.rateLimited('getBalance', 42);
    j.wait(10);
    j.balance();
    const example = /```text\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBe(formatReport(buildReport(j.entries, { rateLimit: 20, rateWindowSeconds: 60 }), 'text'));
  });
});
