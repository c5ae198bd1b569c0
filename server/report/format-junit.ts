/**
 * The report as JUnit XML, for a CI job's test view: one testsuite "integration report", one
 * testcase per rule. A rule with a finding at or above `failOn` is a <failure>; findings below
 * it, and the passes of the rule, go to the testcase's <system-out>.
 */
import { subjectLabel } from './entry-facts.js';
import { severityRank } from './build-report.js';
import { entryList } from './format-text.js';
import type { Finding, Report, Severity } from './report-types.js';

/** Characters XML 1.0 cannot carry at all, even escaped. */
const NOT_XML = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export const escapeXml = (text: string) =>
  text
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

const describe = (f: Finding) =>
  [
    `${f.severity}: ${f.title}${f.accountId === null && f.keyPrefix === null ? '' : ` (${subjectLabel(f.accountId, f.keyPrefix)})`}`,
    f.happened,
    `Fix: ${f.fix}`,
    ...(f.entryIds.length > 0 ? [`Entries: ${entryList(f.entryIds, f.entryCount)}`] : []),
  ].join('\n');

export function formatJunit(report: Report, failOn: Severity = 'error'): string {
  const failing = (f: Finding) => severityRank[f.severity] <= severityRank[failOn];
  const cases = report.rules.map((rule) => {
    const findings = report.findings.filter((f) => f.id === rule.id);
    const failures = findings.filter(failing);
    const notes = [
      ...findings.filter((f) => !failing(f)).map(describe),
      ...report.passes.filter((p) => p.rule === rule.id).map((p) => `pass: ${p.title}. ${p.detail}`),
      ...(rule.id === 'untested-error-codes'
        ? report.coverage.map((c) => (c.count > 0 ? `met ${c.code} (${c.status}) ×${c.count}` : `never met ${c.code} (${c.status}): ${c.howToProvoke}`))
        : []),
    ];
    const body = [
      failures.length > 0
        ? `      <failure type="${failures[0]!.severity}" message="${escapeXml(`${rule.title}: ${failures.length} finding${failures.length === 1 ? '' : 's'}`)}">${escapeXml(failures.map(describe).join('\n\n'))}</failure>`
        : '',
      notes.length > 0 ? `      <system-out>${escapeXml(notes.join('\n\n'))}</system-out>` : '',
    ].filter(Boolean);
    const open = `    <testcase classname="integration report" name="${escapeXml(`${rule.id}: ${rule.title}`)}"`;
    return body.length > 0 ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`;
  });
  const failed = report.rules.filter((rule) => report.findings.some((f) => f.id === rule.id && failing(f))).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ai-market-sandbox report" tests="${report.rules.length}" failures="${failed}">`,
    `  <testsuite name="integration report" tests="${report.rules.length}" failures="${failed}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
