/** What the rules read off a journal entry, each in one place. */
import type { JournalEntry } from '../journal/journal-entry.js';
import { MAX_LISTED_ENTRIES, type Finding, type Pass } from './report-types.js';
import { passes, rules, type PassId, type RuleId } from './rules.js';
import type { Severity } from './report-types.js';

export const isSuccess = (e: JournalEntry) => e.status >= 200 && e.status < 300;

/** The client got no answer (reset, closed, hang) or a 5xx: it cannot know what happened. */
export const isUnknownOutcome = (e: JournalEntry) => e.status === 0 || e.status >= 500;

/** A failed attempt a client may retry: no answer, 5xx, 429, or any fault (a latency fault makes clients time out). */
export const isFailedAttempt = (e: JournalEntry) => isUnknownOutcome(e) || e.status === 429 || e.fault !== null;

/**
 * The purchase went through: an after-commit fault hid that from the client, or the answer was a
 * success that a fault (latency) may have kept from the client in time.
 */
export const wasCommitted = (e: JournalEntry) => e.fault?.startsWith('after_commit_') === true || (isSuccess(e) && e.orderId !== null);

const parseJson = (text: string | null): unknown => {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * What a purchase asks for: product_id and quantity from its body, or the raw body when it
 * cannot be read (truncated, not JSON). Two purchases with equal identities buy the same thing.
 */
export function purchaseIdentity(e: JournalEntry): string {
  const body = parseJson(e.requestBody);
  if (body !== null && typeof body === 'object' && 'product_id' in body) {
    const { product_id, quantity } = body as { product_id: unknown; quantity: unknown };
    return JSON.stringify([product_id, quantity ?? null]);
  }
  return `raw:${e.requestBody ?? ''}`;
}

/** A readable name for what a purchase asked for: `product 002 × 1`. */
export function purchaseLabel(e: JournalEntry): string {
  const body = parseJson(e.requestBody) as { product_id?: unknown; quantity?: unknown } | undefined;
  if (body && typeof body === 'object' && body.product_id !== undefined) return `product ${String(body.product_id)} × ${String(body.quantity)}`;
  return 'an unreadable body';
}

/** The same request: method, path and body (JSON bodies compared by value, keys sorted). */
export function requestIdentity(e: JournalEntry): string {
  const body = parseJson(e.requestBody);
  return `${e.method} ${e.path} ${body === undefined ? (e.requestBody ?? '') : stableJson(body)}`;
}

const stableJson = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(stableJson).join(',')}]`
    : value !== null && typeof value === 'object'
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(value);

/** `POST /api/v1/purchase {"product_id":"005","quantity":1}`, the body cut short and without control characters (it goes to terminals). */
export function requestLabel(e: JournalEntry): string {
  const text = e.requestBody?.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?') ?? null;
  const body = text === null ? '' : ` ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
  return `${e.method} ${e.path}${body}`;
}

/** `402 INSUFFICIENT_BALANCE`, or `status 0 (no answer)`. */
export const answerLabel = (e: JournalEntry) => (e.status === 0 ? 'no answer' : `${e.status}${e.errorCode ? ` ${e.errorCode}` : ''}`);

/** The retry_after_seconds of a 429's body, in ms; undefined when the body cannot be read. */
export function retryAfterMs(e: JournalEntry): number | undefined {
  const body = parseJson(e.responseBody) as { retry_after_seconds?: unknown } | undefined;
  const seconds = body && typeof body === 'object' ? body.retry_after_seconds : undefined;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * The key a request was sent with, for the rules judged per key: its hash, since two keys may
 * share the prefix the journal shows (every sandbox key starts `mk_test_`).
 */
export const keyOf = (e: JournalEntry) => e.keyHash ?? '(no key)';

/** How a finding names the key of a group of entries: its prefix, `mk_test_al…`. */
export const keyLabel = (own: readonly JournalEntry[]) => `${own[0]?.keyPrefix ?? '(no key)'}…`;

/** `account alice`, `key mk_test_re…`, or `no key`: whom a finding is about. */
export function subjectLabel(accountId: string | null, keyPrefix: string | null): string {
  const key = keyPrefix === null ? null : `key ${keyPrefix}…`;
  if (accountId !== null) return key ? `account ${accountId}, ${key}` : `account ${accountId}`;
  return key ?? 'no key';
}

const uniqueSorted = (ids: readonly number[]) => [...new Set(ids)].sort((a, b) => a - b);

/** A finding of a rule, its title and fix from the rules table, its entry ids capped. */
export function finding(
  id: RuleId,
  subject: { accountId: string | null; keyPrefix?: string | null },
  happened: string,
  entryIds: readonly number[],
  severity: Severity = rules[id].severity,
): Finding {
  const ids = uniqueSorted(entryIds);
  return {
    id,
    severity,
    title: rules[id].title,
    accountId: subject.accountId,
    keyPrefix: subject.keyPrefix ?? null,
    happened,
    fix: rules[id].fix,
    entryIds: ids.slice(0, MAX_LISTED_ENTRIES),
    entryCount: ids.length,
  };
}

export function pass(id: PassId, detail: string, entryIds: readonly number[]): Pass {
  const ids = uniqueSorted(entryIds);
  return { id, rule: passes[id].rule, title: passes[id].title, detail, entryIds: ids.slice(0, MAX_LISTED_ENTRIES), entryCount: ids.length };
}

/** Groups values by a string key, keeping first-seen order. */
export function groupBy<T>(values: readonly T[], keyOf: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const key = keyOf(value);
    const group = groups.get(key);
    if (group) group.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}

/** `once`, `twice`, `3 times`. */
export const times = (count: number) => (count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`);

/** `1 purchase`, `3 purchases`. */
export const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
