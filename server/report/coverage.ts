/**
 * What the integration has exercised: the documented error codes it met (and how to provoke the
 * ones it never met), whether any purchase met a fault, and the counts of the report's headline.
 */
import type { JournalEntry } from '../journal/journal-entry.js';
import { finding, isUnknownOutcome, plural } from './entry-facts.js';
import type { CodeCoverage, Finding } from './report-types.js';
import { errorCodes } from '../../spec/error-codes.js';
import { documentedCodes, howToProvoke } from './rules.js';

/** Every documented code with how often it was answered; met codes first, each group in the table's order. */
export function codeCoverage(entries: readonly JournalEntry[]): CodeCoverage[] {
  const coverage = documentedCodes.map((code): CodeCoverage => {
    const met = entries.filter((e) => e.errorCode === code);
    return { code, status: errorCodes[code].status, count: met.length, firstEntryId: met[0]?.id ?? null, howToProvoke: howToProvoke[code] };
  });
  return [...coverage.filter((c) => c.count > 0), ...coverage.filter((c) => c.count === 0)];
}

export function coverageFindings(entries: readonly JournalEntry[], coverage: readonly CodeCoverage[]): Finding[] {
  const findings: Finding[] = [];
  const unmet = coverage.filter((c) => c.count === 0);
  if (unmet.length > 0) {
    findings.push(
      finding(
        'untested-error-codes',
        { accountId: null },
        `The client never met ${unmet.length} of the ${coverage.length} documented error codes: ${unmet.map((c) => c.code).join(', ')}.`,
        [],
      ),
    );
  }
  const purchases = entries.filter((e) => e.operation === 'purchase');
  if (purchases.length > 0 && !purchases.some((e) => e.fault !== null || isUnknownOutcome(e))) {
    findings.push(finding('untested-faults', { accountId: null }, `None of ${plural(purchases.length, 'purchase')} got a reset, a hang, a 5xx or an after-commit fault.`, []));
  }
  return findings;
}

export function entryCounts(entries: readonly JournalEntry[]) {
  const purchases = entries.filter((e) => e.operation === 'purchase');
  return {
    requests: entries.length,
    purchases: purchases.length,
    orders: new Set(purchases.flatMap((e) => (e.orderId === null ? [] : [e.orderId]))).size,
    replays: entries.filter((e) => e.replayed).length,
    faults: entries.filter((e) => e.fault !== null).length,
  };
}
