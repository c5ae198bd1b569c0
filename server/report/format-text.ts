/**
 * The report for a person at a terminal: a headline with the counts per severity, then each
 * finding with what happened, the fix and its entry ids, the passes, and the error codes met
 * and never met. Lines wrap at 100 columns.
 */
import { subjectLabel, plural } from './entry-facts.js';
import type { Report } from './report-types.js';

const WIDTH = 100;

/** Word-wraps text at WIDTH, every line after the first indented by `indent`. */
function wrap(text: string, indent: string, first = indent): string {
  const lines: string[] = [];
  let line = first;
  let fresh = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!fresh && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent;
      fresh = true;
    }
    line += fresh ? word : ` ${word}`;
    fresh = false;
  }
  lines.push(line);
  return lines.join('\n');
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export const entryList = (ids: readonly number[], count: number) =>
  ids.length === 0 ? '' : `${ids.join(', ')}${count > ids.length ? `, ... (${count} in all)` : ''}`;

/** The time span of the entries (virtual clock) and what they were selected by. */
function spanLine(report: Report): string {
  const { accountId, keyPrefix, since, until } = report.scope;
  const parts = [
    accountId !== undefined ? `account ${accountId}` : '',
    keyPrefix !== undefined ? `key ${keyPrefix}…` : '',
    since !== undefined ? `since ${iso(since)}` : '',
    until !== undefined ? `until ${iso(until)}` : '',
  ].filter(Boolean);
  const span = report.firstAt !== null && report.lastAt !== null ? `From ${iso(report.firstAt)} to ${iso(report.lastAt)} (virtual clock)` : 'No entries';
  return `${span}${parts.length > 0 ? `; scope: ${parts.join(', ')}` : ''}.`;
}

export function formatText(report: Report): string {
  const { counts, rateLimit } = report;
  const out: string[] = [];
  out.push(
    `Integration report: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}, ${counts.infos} info; ${plural(counts.passes, 'pass', 'passes')}`,
  );
  out.push(
    `${plural(counts.requests, 'request')}: ${plural(counts.purchases, 'purchase')}, ${plural(counts.orders, 'order')}, ` +
      `${plural(counts.replays, 'replay')}, ${plural(counts.faults, 'fault')} met.`,
  );
  out.push(wrap(spanLine(report), ''));
  const { live, sandbox } = rateLimit;
  const same = live.limit === sandbox.limit && live.windowSeconds === sandbox.windowSeconds;
  out.push(
    `Rate limit judged against live: ${live.limit} requests per ${live.windowSeconds} s per key` +
      (same ? ' (as this sandbox).' : ` (this sandbox: ${sandbox.limit} per ${sandbox.windowSeconds} s).`),
  );

  for (const f of report.findings) {
    out.push('');
    const who = f.accountId === null && f.keyPrefix === null ? '' : ` (${subjectLabel(f.accountId, f.keyPrefix)})`;
    out.push(`${f.severity.toUpperCase().padEnd(7)} ${f.id}${who}`);
    out.push(wrap(f.title, '        '));
    out.push(wrap(f.happened, '        '));
    out.push(wrap(`Fix: ${f.fix}`, '        '));
    if (f.entryIds.length > 0) out.push(wrap(`Entries: ${entryList(f.entryIds, f.entryCount)}`, '        '));
  }

  if (report.passes.length > 0) out.push('');
  for (const p of report.passes) {
    out.push(wrap(`${p.title}. ${p.detail}${p.entryIds.length > 0 ? ` Entries: ${entryList(p.entryIds, p.entryCount)}.` : ''}`, '        ', `PASS    `));
  }

  const met = report.coverage.filter((c) => c.count > 0);
  const unmet = report.coverage.filter((c) => c.count === 0);
  out.push('');
  out.push(`Documented error codes met: ${met.length} of ${report.coverage.length}`);
  if (met.length > 0) out.push(wrap(met.map((c) => `${c.code} (${c.status}) ×${c.count}`).join(', '), '        ', 'met     '));
  for (const c of unmet) out.push(wrap(`${c.code} (${c.status}): ${c.howToProvoke}`, '        ', 'never   '));
  return `${out.join('\n')}\n`;
}
