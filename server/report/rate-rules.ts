/**
 * The rate-limit rules, judged per key (the key's hash in the journal: two keys may share the
 * prefix it shows). Requests to unknown paths (no operation) are left out: the limit does not see them.
 *
 * - request-before-retry-after: after a 429 whose body says retry_after_seconds = s, any
 *   request with the same key before 429.at + s is premature. A premature request answered 429
 *   again sets its own (later) deadline.
 * - over-live-rate-limit: the journal replayed through the live limiter (20 per rolling 60 s,
 *   counting only accepted requests, as live does); a request live would refuse that the sandbox
 *   answered with anything but 429 is a finding. Judged only when the sandbox is configured
 *   looser than live; otherwise the sandbox refused those itself and the client saw the 429s.
 *   Not counted, as the sandbox's limiter does not count them either: requests a fault answered
 *   or cut before the API looked at them (every kind but latency and the after-commit ones act
 *   before the key stage, see server/api/api-app.ts), and 401 and 403 answers (the key and
 *   suspension stages come before the rate limit).
 */
import type { JournalEntry } from '../journal/journal-entry.js';
import { finding, groupBy, keyLabel, keyOf, pass, plural, retryAfterMs } from './entry-facts.js';
import type { Finding, Pass, ReportOptions } from './report-types.js';
import { LIVE_RATE_LIMIT, LIVE_RATE_WINDOW_SECONDS } from './rules.js';

const limited = (entries: readonly JournalEntry[]) => entries.filter((e) => e.operation !== null);

/** The account a key belongs to, from any of its entries (a 429 may not know it). */
const accountOfKey = (own: readonly JournalEntry[]) => own.find((e) => e.accountId !== null)?.accountId ?? null;

export function retryAfterRule(entries: readonly JournalEntry[]): { findings: Finding[]; passes: Pass[] } {
  const findings: Finding[] = [];
  const respected: number[] = [];
  for (const own of groupBy(limited(entries), keyOf).values()) {
    let deadline = -Infinity;
    let setBy: JournalEntry | undefined; // the 429 whose wait is the latest so far
    let waitingAfter: JournalEntry | undefined; // a 429 not yet followed by any request
    const premature: JournalEntry[] = [];
    const ignored = new Set<number>();
    for (const e of own) {
      if (e.at < deadline) {
        premature.push(e);
        ignored.add(setBy!.id);
      } else if (waitingAfter) {
        respected.push(waitingAfter.id);
      }
      waitingAfter = undefined;
      const wait = e.status === 429 ? retryAfterMs(e) : undefined;
      if (wait === undefined) continue;
      if (e.at + wait > deadline) {
        deadline = e.at + wait;
        setBy = e;
      }
      waitingAfter = e;
    }
    if (premature.length === 0) continue;
    const limitedAgain = premature.filter((e) => e.status === 429).length;
    const happened =
      `Key ${keyLabel(own)} sent ${plural(premature.length, 'request')} before the retry_after_seconds of ` +
      `${ignored.size === 1 ? 'a 429' : `${ignored.size} 429s`} had passed${limitedAgain > 0 ? `; ${limitedAgain} of them got 429 again` : ''}.`;
    findings.push(finding('request-before-retry-after', { accountId: accountOfKey(own), keyPrefix: own[0]!.keyPrefix }, happened, [...ignored, ...premature.map((e) => e.id)]));
  }
  const passes =
    respected.length > 0
      ? [pass('waited-after-rate-limit', `${respected.length === 1 ? 'One 429 was' : `${respected.length} 429s were`} followed by a wait of at least its retry_after_seconds.`, respected)]
      : [];
  return { findings, passes };
}

/** Faults that answer or cut a request before the API sees it (a gateway's failures): neither the sandbox nor live counts it. */
const BEFORE_THE_API = new Set<JournalEntry['fault']>(['error_response', 'close_before', 'reset_before', 'hang']);
const neverArrived = (e: JournalEntry) => BEFORE_THE_API.has(e.fault);

/** The most requests one key sent in any rolling window of the live length. */
function peakInWindow(times: readonly number[], windowMs: number): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

export function liveRateLimitRule(entries: readonly JournalEntry[], options: ReportOptions): { findings: Finding[]; passes: Pass[] } {
  const counted = limited(entries).filter((e) => e.accountId !== null && e.status !== 401 && e.status !== 403 && !neverArrived(e));
  const windowMs = LIVE_RATE_WINDOW_SECONDS * 1000;
  const looser = options.rateLimit > LIVE_RATE_LIMIT || options.rateWindowSeconds < LIVE_RATE_WINDOW_SECONDS;
  const findings: Finding[] = [];
  for (const own of groupBy(counted, keyOf).values()) {
    const accepted: number[] = []; // times of the requests live would have counted, within the window
    const refusedOnLive: JournalEntry[] = [];
    for (const e of own) {
      while (accepted.length > 0 && accepted[0]! <= e.at - windowMs) accepted.shift();
      if (accepted.length >= LIVE_RATE_LIMIT) {
        if (e.status !== 429) refusedOnLive.push(e);
      } else {
        accepted.push(e.at);
      }
    }
    if (!looser || refusedOnLive.length === 0) continue;
    const peak = peakInWindow(own.map((e) => e.at), windowMs);
    const happened =
      `Key ${keyLabel(own)} sent up to ${peak} requests in 60 s; the live API allows ${LIVE_RATE_LIMIT} and would have refused ` +
      `${plural(refusedOnLive.length, 'request')} with 429, which this sandbox (${options.rateLimit} per ${options.rateWindowSeconds} s) answered.`;
    findings.push(finding('over-live-rate-limit', { accountId: accountOfKey(own), keyPrefix: own[0]!.keyPrefix }, happened, refusedOnLive.map((e) => e.id)));
  }
  const peak = Math.max(0, ...[...groupBy(counted, keyOf).values()].map((own) => peakInWindow(own.map((e) => e.at), windowMs)));
  const passes =
    counted.length > 0 && peak <= LIVE_RATE_LIMIT
      ? [pass('within-live-rate-limit', `No key sent more than ${LIVE_RATE_LIMIT} requests in ${LIVE_RATE_WINDOW_SECONDS} s (the most: ${peak}).`, [])]
      : [];
  return { findings, passes };
}
