/**
 * The rules about purchases and their Idempotency-Keys: the ones that cost money.
 *
 * A **retry** of a failed purchase A is the next purchase B (later in the journal) with the
 * same account and the same product_id and quantity in its body, sent at most RETRY_WINDOW_MS
 * (10 minutes of virtual time) after A. A **failed** purchase is one that got no answer
 * (status 0), a 5xx, a 429, or met any fault. B kept the key when A had one and B sent the
 * same; anything else (another key, or none on either) is a finding.
 */
import type { JournalEntry } from '../journal/journal-entry.js';
import {
  finding,
  groupBy,
  isFailedAttempt,
  isSuccess,
  isUnknownOutcome,
  pass,
  plural,
  purchaseIdentity,
  purchaseLabel,
  wasCommitted,
} from './entry-facts.js';
import type { Finding, Pass } from './report-types.js';
import { RETRY_WINDOW_MS } from './rules.js';

type Purchase = JournalEntry & { operation: 'purchase'; accountId: string };

/** Purchases by a known account: the only ones that could charge a wallet. */
const accountPurchases = (entries: readonly JournalEntry[]) =>
  entries.filter((e): e is Purchase => e.operation === 'purchase' && e.accountId !== null);

export function missingIdempotencyKey(entries: readonly JournalEntry[]): { findings: Finding[]; passes: Pass[] } {
  const purchases = accountPurchases(entries);
  const findings = [...groupBy(purchases, (p) => p.accountId)].flatMap(([accountId, own]) => {
    const missing = own.filter((p) => p.idempotencyKey === null);
    if (missing.length === 0) return [];
    return [
      finding(
        'purchase-without-idempotency-key',
        { accountId },
        `${missing.length} of ${plural(own.length, 'purchase')} of account ${accountId} carried no Idempotency-Key.`,
        missing.map((p) => p.id),
      ),
    ];
  });
  const passes =
    purchases.length > 0 && findings.length === 0
      ? [pass('purchases-carried-idempotency-key', `All ${plural(purchases.length, 'purchase')} sent an Idempotency-Key.`, purchases.map((p) => p.id))]
      : [];
  return { findings, passes };
}

interface RetryPair {
  failed: Purchase;
  retry: Purchase;
}

/** Each failed purchase with its retry, if one came within the window. */
function failedWithRetries(purchases: readonly Purchase[]): { failed: Purchase; retry: Purchase | undefined }[] {
  return purchases.flatMap((failed, index) => {
    if (!isFailedAttempt(failed)) return [];
    const identity = purchaseIdentity(failed);
    let next: Purchase | undefined;
    for (let j = index + 1; j < purchases.length && !next; j++) {
      const p = purchases[j]!;
      if (p.accountId === failed.accountId && purchaseIdentity(p) === identity) next = p;
    }
    const retry = next && next.at - failed.at <= RETRY_WINDOW_MS ? next : undefined;
    return [{ failed, retry }];
  });
}

const keptKey = ({ failed, retry }: RetryPair) => failed.idempotencyKey !== null && retry.idempotencyKey === failed.idempotencyKey;

export function retries(entries: readonly JournalEntry[]): { findings: Finding[]; passes: Pass[] } {
  const attempts = failedWithRetries(accountPurchases(entries));
  const pairs = attempts.filter((a): a is RetryPair => a.retry !== undefined);
  const findings: Finding[] = [];

  for (const [accountId, own] of groupBy(
    pairs.filter((p) => !keptKey(p)),
    (p) => p.failed.accountId,
  )) {
    const committed = own.filter((p) => wasCommitted(p.failed));
    const charged = committed.filter((p) => isSuccess(p.retry) && !p.retry.replayed);
    const withoutKey = own.filter((p) => p.retry.idempotencyKey === null).length;
    const how = withoutKey === own.length ? 'without an Idempotency-Key' : withoutKey === 0 ? 'with another Idempotency-Key' : `with another Idempotency-Key or none (${withoutKey} without)`;
    let happened =
      `${plural(own.length, 'failed purchase')} of account ${accountId} (${[...new Set(own.map((p) => purchaseLabel(p.failed)))].join(', ')}) ` +
      `${own.length === 1 ? 'was' : 'were'} retried ${how}.`;
    if (committed.length > 0) {
      const which = own.length === 1 ? 'The first attempt' : `${committed.length} of the first attempts`;
      const again = charged.length === 0 ? '.' : own.length === 1 ? ', and the retry charged it again.' : `, and ${plural(charged.length, 'retry', 'retries')} charged it again.`;
      happened += ` ${which} had been committed (${committed[0]!.failed.fault}): the wallet was charged${again}`;
    } else {
      happened += ' On live, a first attempt that went through would have been charged twice.';
    }
    findings.push(finding('retry-without-same-idempotency-key', { accountId }, happened, own.flatMap((p) => [p.failed.id, p.retry.id])));
  }

  for (const [accountId, own] of groupBy(
    attempts.filter((a) => a.retry === undefined && isUnknownOutcome(a.failed)),
    (a) => a.failed.accountId,
  )) {
    const committed = own.filter((a) => wasCommitted(a.failed));
    const happened =
      `${plural(own.length, 'purchase')} of account ${accountId} got no answer or a 5xx and ${own.length === 1 ? 'was' : 'were'} not retried within 10 minutes` +
      (committed.length === 0
        ? ': the client cannot know whether it paid.'
        : `; ${own.length === 1 ? 'it' : committed.length === own.length ? 'all' : committed.length} had been committed: paid for, and the codes never reached the client.`);
    findings.push(
      finding('unknown-outcome-not-retried', { accountId }, happened, own.map((a) => a.failed.id), committed.length > 0 ? 'error' : 'warning'),
    );
  }

  const kept = pairs.filter(keptKey);
  const passes =
    kept.length > 0
      ? [pass('retry-kept-idempotency-key', `${plural(kept.length, 'retry', 'retries')} of a failed purchase resent the first attempt's Idempotency-Key.`, kept.map((p) => p.retry.id))]
      : [];
  return { findings, passes };
}

/**
 * One Idempotency-Key, two different purchases: a 422 IDEMPOTENCY_KEY_REUSED answer, or a replay
 * (lenient mode) whose body differs from that of the purchase that made the order.
 */
export function reusedIdempotencyKey(entries: readonly JournalEntry[]): Finding[] {
  const purchases = accountPurchases(entries);
  const madeOrder = new Map<string, Purchase>();
  for (const p of purchases) if (p.orderId !== null && !p.replayed && isSuccess(p) && !madeOrder.has(p.orderId)) madeOrder.set(p.orderId, p);

  const reused = purchases.filter((p, index) => {
    if (p.errorCode === 'IDEMPOTENCY_KEY_REUSED') return true;
    if (!p.replayed || p.idempotencyKey === null) return false;
    const original =
      (p.orderId !== null ? madeOrder.get(p.orderId) : undefined) ??
      purchases.slice(0, index).find((q) => q.accountId === p.accountId && q.idempotencyKey === p.idempotencyKey && isSuccess(q) && !q.replayed);
    return original !== undefined && purchaseIdentity(original) !== purchaseIdentity(p);
  });

  return [...groupBy(reused, (p) => p.accountId)].map(([accountId, own]) => {
    const rejected = own.filter((p) => p.errorCode === 'IDEMPOTENCY_KEY_REUSED').length;
    const keys = [...new Set(own.map((p) => JSON.stringify(p.idempotencyKey)))];
    const happened =
      `${plural(own.length, 'purchase')} of account ${accountId} reused the Idempotency-Key of an earlier, different purchase ` +
      `(${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', ...' : ''}): ` +
      [rejected > 0 ? `${rejected} answered 422 IDEMPOTENCY_KEY_REUSED` : '', own.length > rejected ? `${own.length - rejected} got the earlier order replayed instead` : '']
        .filter(Boolean)
        .join(', ') +
      '.';
    return finding('idempotency-key-reused', { accountId }, happened, own.map((p) => p.id));
  });
}
