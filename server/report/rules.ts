/**
 * The rules of the integration report, in one table: id, severity, what a finding
 * means and the fix. The README's rules table is checked against it. The precise
 * definitions sit with each rule's code (purchase-rules.ts, rate-rules.ts,
 * client-error-rules.ts, coverage.ts).
 */
import { errorCodes, type ErrorCode } from '../../spec/error-codes.js';
import type { Severity } from './report-types.js';

/** How long after a failed purchase a purchase of the same product and quantity counts as its retry. */
export const RETRY_WINDOW_MS = 10 * 60_000;

/** The live API's rate limit, whatever the sandbox is configured to. */
export const LIVE_RATE_LIMIT = 20;
export const LIVE_RATE_WINDOW_SECONDS = 60;

export interface RuleInfo {
  severity: Severity;
  title: string;
  means: string;
  fix: string;
}

export const rules = {
  'purchase-without-idempotency-key': {
    severity: 'error',
    title: 'Purchase sent without an Idempotency-Key',
    means:
      'A POST /purchase from a known key carried no Idempotency-Key: when its answer is lost (timeout, reset, 5xx) the client can neither retry it safely nor tell whether it paid.',
    fix: 'Send an Idempotency-Key on every POST /purchase (a new one per order, e.g. a UUID saved with the order) and reuse it for every retry of that order.',
  },
  'retry-without-same-idempotency-key': {
    severity: 'error',
    title: 'Failed purchase retried with another Idempotency-Key, or none',
    means:
      'A purchase that got no answer, a 5xx, a 429 or a fault was retried (same account, product_id and quantity, within 10 minutes) without the first attempt\'s key: on live that is a second order and a second charge whenever the first one went through.',
    fix: 'Keep the Idempotency-Key with the order and send the same key on every retry of it: the API then answers with the first result instead of charging again.',
  },
  'unknown-outcome-not-retried': {
    severity: 'warning',
    title: 'Purchase with an unknown outcome never retried',
    means:
      'A purchase got no answer or a 5xx and no retry of it followed within 10 minutes: the client cannot know whether it paid, and when it had (an after-commit fault), the codes were paid for and never received. Error when the purchase had been committed.',
    fix: 'Retry a purchase whose answer was lost, with the same Idempotency-Key, until a definite answer comes: a committed order is replayed with its codes, an uncommitted one runs once.',
  },
  'request-before-retry-after': {
    severity: 'warning',
    title: 'Request sent before retry_after_seconds had passed',
    means: 'After a 429 RATE_LIMITED, the same key sent another request before the retry_after_seconds of that answer had passed.',
    fix: 'On 429, wait retry_after_seconds (the Retry-After header says the same) before the next request with that key.',
  },
  'over-live-rate-limit': {
    severity: 'error',
    title: 'More requests than the live limit of 20 per 60 s',
    means:
      'One key sent more than 20 requests in a rolling 60 s; the sandbox, configured looser, answered them, but the live API would have refused them with 429.',
    fix: 'Pace the client to at most 20 requests per rolling 60 s per key (a queue or token bucket), and test it against a sandbox at the live limit.',
  },
  'repeated-after-client-error': {
    severity: 'warning',
    title: 'Request repeated unchanged after an error no retry can fix',
    means:
      'The same request (operation and body) was sent again after a 400, 402, 404 or 413 and got the same error, with no success between: repeating it cannot help and spends the rate limit.',
    fix: 'Treat 400 VALIDATION, 402 INSUFFICIENT_BALANCE, 404 PRODUCT_NOT_FOUND and 413 PAYLOAD_TOO_LARGE as final for that request: fix the body, top up the wallet, or re-fetch /products first.',
  },
  'requests-after-auth-failure': {
    severity: 'warning',
    title: 'Requests went on after 401 or 403 for a key',
    means: 'After a key was answered 401 INVALID_KEY or 403 FORBIDDEN, more requests with it followed and got the same answer.',
    fix: 'Stop using a key after 401 INVALID_KEY (generate a new one in the bot) or 403 FORBIDDEN (the account is suspended: contact support), and alert a person instead of retrying.',
  },
  'idempotency-key-reused': {
    severity: 'error',
    title: 'One Idempotency-Key used for different purchases',
    means:
      'A key already used for one purchase came with another product_id or quantity (422 IDEMPOTENCY_KEY_REUSED, or in replay mode the first order replayed): a lenient live API answers with the first order, so the second is never placed.',
    fix: 'Make a new Idempotency-Key for each new order, and reuse a key only to retry the very same request.',
  },
  'untested-error-codes': {
    severity: 'info',
    title: 'Documented error codes the integration never met',
    means: 'Some documented error codes never reached the client, so its handling of them is untested.',
    fix: 'Provoke each one in the sandbox (the coverage summary says how) and check the client does what the API reference says.',
  },
  'untested-faults': {
    severity: 'info',
    title: 'No purchase met a fault',
    means: 'No purchase got a reset, a hang, a 5xx or an after-commit failure, so the client\'s retry path is untested.',
    fix: 'Add a fault rule (reset_before, after_commit_reset, error_response) for POST /purchase and check the client retries with the same Idempotency-Key.',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof rules;
export const ruleIds = Object.keys(rules) as RuleId[];

/** The passing checks, each the good side of a rule. */
export const passes = {
  'purchases-carried-idempotency-key': { rule: 'purchase-without-idempotency-key', title: 'Every purchase carried an Idempotency-Key' },
  'retry-kept-idempotency-key': { rule: 'retry-without-same-idempotency-key', title: 'Retries of failed purchases kept their Idempotency-Key' },
  'waited-after-rate-limit': { rule: 'request-before-retry-after', title: 'After a 429 the key waited retry_after_seconds' },
  'within-live-rate-limit': { rule: 'over-live-rate-limit', title: 'Every key stayed within the live limit of 20 requests per 60 s' },
} as const satisfies Record<string, { rule: RuleId; title: string }>;

export type PassId = keyof typeof passes;

/** The documented error codes: the live API's, not the mock's own extensions. */
export type DocumentedCode = { [C in ErrorCode]: (typeof errorCodes)[C]['mockOnly'] extends false ? C : never }[ErrorCode];

/** How to meet each documented error code in the sandbox. */
export const howToProvoke = {
  NO_KEY: 'send a request without the X-API-Key header',
  INVALID_KEY: 'use mk_test_revoked, or revoke a key with POST /_mock/keys/revoke',
  VALIDATION: 'POST /purchase with {"product_id":"002","quantity":11}',
  INSUFFICIENT_BALANCE: 'buy product 002 with mk_test_bob (0.50 USDT), or product 005 (149.99) with mk_test_alice',
  FORBIDDEN: 'use mk_test_suspended, or POST /_mock/accounts/{id}/suspend',
  PRODUCT_NOT_FOUND: 'POST /purchase with product_id "999"',
  OUT_OF_STOCK: 'buy product 003 (stock 0), or set a stock with PUT /_mock/products/{id}',
  RATE_LIMITED: 'PATCH /_mock/settings {"rate_limit": 1}, then two requests with one key',
} as const satisfies Record<DocumentedCode, string>;

/** In the order of spec/error-codes.ts. */
export const documentedCodes = (Object.keys(errorCodes) as ErrorCode[]).filter((code): code is DocumentedCode => !errorCodes[code].mockOnly);
