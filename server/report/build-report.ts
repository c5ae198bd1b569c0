/**
 * buildReport: from journal entries to the findings, passes and coverage of the integration
 * report. Pure and deterministic: no clock, no I/O.
 */
import type { JournalEntry } from '../journal/journal-entry.js';
import { repeatedAfterClientError, requestsAfterAuthFailure } from './client-error-rules.js';
import { codeCoverage, coverageFindings, entryCounts } from './coverage.js';
import { missingIdempotencyKey, retries, reusedIdempotencyKey } from './purchase-rules.js';
import { liveRateLimitRule, retryAfterRule } from './rate-rules.js';
import type { Finding, Report, ReportOptions, Severity } from './report-types.js';
import { LIVE_RATE_LIMIT, LIVE_RATE_WINDOW_SECONDS, ruleIds, rules } from './rules.js';

export const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * @example
 * const report = buildReport(store.journal.list({ order: 'oldest' }), { rateLimit: 20, rateWindowSeconds: 60 });
 * report.findings.filter((f) => f.severity === 'error').map((f) => f.id); // ['retry-without-same-idempotency-key']
 */
export function buildReport(journal: readonly JournalEntry[], options: ReportOptions): Report {
  // The rules read the requests in the order they arrived. The journal's ids are in the order the
  // answers were written: a slow request (a latency fault, a hang) and anything sent while it ran
  // have their ids the other way round. `at` is the arrival (virtual clock); ids break ties.
  const entries = arrivalOrder(journal);
  const keys = missingIdempotencyKey(entries);
  const retried = retries(entries);
  const waited = retryAfterRule(entries);
  const paced = liveRateLimitRule(entries, options);
  const coverage = codeCoverage(entries);

  const ruleOrder = new Map(ruleIds.map((id, index) => [id, index]));
  const findings: Finding[] = [
    ...keys.findings,
    ...retried.findings,
    ...waited.findings,
    ...paced.findings,
    ...repeatedAfterClientError(entries),
    ...requestsAfterAuthFailure(entries),
    ...reusedIdempotencyKey(entries),
    ...coverageFindings(entries, coverage),
  ].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      ruleOrder.get(a.id)! - ruleOrder.get(b.id)! ||
      (a.entryIds[0] ?? 0) - (b.entryIds[0] ?? 0),
  );
  const passes = [...keys.passes, ...retried.passes, ...waited.passes, ...paced.passes];
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;

  return {
    scope: { ...options.scope },
    firstAt: entries[0]?.at ?? null,
    lastAt: entries.at(-1)?.at ?? null,
    rateLimit: {
      live: { limit: LIVE_RATE_LIMIT, windowSeconds: LIVE_RATE_WINDOW_SECONDS },
      sandbox: { limit: options.rateLimit, windowSeconds: options.rateWindowSeconds },
    },
    counts: { ...entryCounts(entries), errors: count('error'), warnings: count('warning'), infos: count('info'), passes: passes.length },
    findings,
    passes,
    coverage,
    rules: ruleIds.map((id) => ({ id, severity: rules[id].severity, title: rules[id].title, findings: findings.filter((f) => f.id === id).length })),
  };
}

/** Entries by arrival: `at`, then id. */
export const arrivalOrder = (entries: readonly JournalEntry[]): JournalEntry[] => [...entries].sort((a, b) => a.at - b.at || a.id - b.id);

/** Does the report hold a finding at or above this severity? (what --fail-on and JUnit failures use) */
export const hasFindingAtOrAbove = (report: Pick<Report, 'findings'>, threshold: Severity) =>
  report.findings.some((f) => severityRank[f.severity] <= severityRank[threshold]);
