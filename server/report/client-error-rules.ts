/**
 * The rules about answers no retry can fix.
 *
 * - repeated-after-client-error: a request (account or key, method, path, body) answered 400,
 *   402, 404 or 413 and then sent again and answered the same status and code, with no other answer
 *   to that request between (no answer, a 5xx or a 429 do not count: they say nothing): a run. A different answer ends the run (for a 402, a top-up the
 *   journal cannot see makes the repeat succeed, which is no finding). For a 404
 *   PRODUCT_NOT_FOUND, a GET /products by the same account in between also ends it: the client
 *   did what the documentation says.
 * - requests-after-auth-failure: after a key is answered 401 INVALID_KEY or 403 FORBIDDEN, every
 *   later request with that key answered the same is a finding, until the key gets any other
 *   answer that shows it works again (a 2xx or a 4xx other than 401, 403, 429).
 */
import type { JournalEntry } from '../journal/journal-entry.js';
import { answerLabel, finding, groupBy, isUnknownOutcome, keyLabel, keyOf, plural, requestIdentity, times, requestLabel } from './entry-facts.js';
import type { Finding } from './report-types.js';

// 413: the body is over the limit, and the same body will be again (the journal keeps no body that
// large, so every 413 from one sender to one path is the same request).
const FINAL_STATUSES = new Set([400, 402, 404, 413]);

interface Run {
  first: JournalEntry;
  repeats: JournalEntry[];
}

const whoseRequest = (e: JournalEntry) => e.accountId ?? `key:${keyOf(e)}`;

export function repeatedAfterClientError(entries: readonly JournalEntry[]): Finding[] {
  const open = new Map<string, Run>();
  const runs: Run[] = [];
  const close = (identity: string) => {
    const run = open.get(identity);
    if (run && run.repeats.length > 0) runs.push(run);
    open.delete(identity);
  };

  for (const e of entries) {
    if (e.operation === 'listProducts') {
      // Re-fetching the catalogue is the documented answer to PRODUCT_NOT_FOUND.
      for (const [identity, run] of open) if (run.first.errorCode === 'PRODUCT_NOT_FOUND' && whoseRequest(run.first) === whoseRequest(e)) close(identity);
    }
    const identity = `${whoseRequest(e)} ${requestIdentity(e)}`;
    const run = open.get(identity);
    if (run && e.status === run.first.status && e.errorCode === run.first.errorCode) {
      run.repeats.push(e);
      continue;
    }
    // No answer, a 5xx or a 429 says nothing about the request itself: the run goes on.
    if (run && (isUnknownOutcome(e) || e.status === 429)) continue;
    close(identity);
    if (FINAL_STATUSES.has(e.status)) open.set(identity, { first: e, repeats: [] });
  }
  for (const identity of [...open.keys()]) close(identity);
  runs.sort((a, b) => a.first.id - b.first.id);

  return [...groupBy(runs, (r) => whoseRequest(r.first))].map(([, own]) => {
    const { accountId, keyPrefix } = own[0]!.first;
    const told = own
      .slice(0, 3)
      .map((r) => `${requestLabel(r.first)} got ${answerLabel(r.first)} and was repeated ${times(r.repeats.length)} with no success between`);
    const happened = `${told.join('; ')}${own.length > 3 ? `; and ${own.length - 3} more such requests` : ''}.`;
    return finding(
      'repeated-after-client-error',
      { accountId, keyPrefix: accountId === null ? keyPrefix : null },
      happened,
      own.flatMap((r) => [r.first.id, ...r.repeats.map((e) => e.id)]),
    );
  });
}

const isAuthFailure = (e: JournalEntry) => (e.status === 401 && e.errorCode === 'INVALID_KEY') || e.status === 403;
/** An answer that shows the key passed authentication: it works again. */
const keyWorks = (e: JournalEntry) => (e.status >= 200 && e.status < 300) || (e.status >= 400 && e.status < 500 && ![401, 403, 429].includes(e.status));

export function requestsAfterAuthFailure(entries: readonly JournalEntry[]): Finding[] {
  const findings: Finding[] = [];
  for (const own of groupBy(
    entries.filter((e) => e.keyHash !== null),
    keyOf,
  ).values()) {
    let failure: JournalEntry | undefined;
    let failureShown = false;
    const shown: JournalEntry[] = [];
    let after = 0;
    for (const e of own) {
      if (failure && isAuthFailure(e) && e.errorCode === failure.errorCode) {
        if (!failureShown) shown.push(failure);
        failureShown = true;
        shown.push(e);
        after++;
      } else if (isAuthFailure(e)) {
        failure = e;
        failureShown = false;
      } else if (keyWorks(e)) {
        failure = undefined;
      }
    }
    if (after === 0) continue;
    const codes = [...new Set(shown.map(answerLabel))].join(' and ');
    const happened = `Key ${keyLabel(own)} was answered ${codes} and sent ${plural(after, 'more request')} that got the same answer.`;
    findings.push(finding('requests-after-auth-failure', { accountId: own.find((e) => e.accountId !== null)?.accountId ?? null, keyPrefix: own[0]!.keyPrefix }, happened, shown.map((e) => e.id)));
  }
  return findings;
}
