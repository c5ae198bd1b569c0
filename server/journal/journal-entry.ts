/**
 * One request to the public API (/api/v1) and what the sandbox answered: a row of the
 * request journal. The journal store writes these, the control API and the CLI read
 * them, and the integration report (server/report/) judges a list of them.
 */
export type JournalOperation = 'getBalance' | 'listProducts' | 'purchase';

/** What a fault rule did to the request (see the fault rules of the control API). */
export type AppliedFault =
  | 'latency'
  | 'error_response'
  | 'close_before'
  | 'reset_before'
  | 'hang'
  | 'after_commit_reset'
  | 'after_commit_hang'
  | 'after_commit_error';

export interface JournalEntry {
  /** Increasing with each entry, across processes sharing the database. */
  id: number;
  /** Virtual-clock time the request arrived, epoch milliseconds. */
  at: number;
  method: string;
  /** The request path, e.g. `/api/v1/purchase` (no query string). */
  path: string;
  /** The operation the path and method name; null for an unknown path or method (404/405). */
  operation: JournalOperation | null;
  /** The account the key belongs to; null when no key or an unknown key was sent. */
  accountId: string | null;
  /** The first characters of the X-API-Key sent (never the whole key); null when none was sent. */
  keyPrefix: string | null;
  /**
   * The SHA-256 of the X-API-Key sent, as the store keeps keys: tells keys apart whose prefixes
   * agree (every sandbox key starts `mk_test_`). For the report; the control API never shows it.
   */
  keyHash: string | null;
  idempotencyKey: string | null;
  /** The request body as text, truncated past the journal's size limit; null when there was none. */
  requestBody: string | null;
  /** The status the client was sent; for a fault that closed or reset the connection, or a hang, 0. */
  status: number;
  /** The `code` of an error answer; null on success. */
  errorCode: string | null;
  /** The answer's body as text, truncated; null when no answer was sent. */
  responseBody: string | null;
  /** Milliseconds from arrival to the answer (or to the fault), on the real clock. */
  latencyMs: number;
  fault: AppliedFault | null;
  /** The order a purchase created or replayed; null otherwise. */
  orderId: string | null;
  /** True when the answer was an idempotent replay of an earlier purchase. */
  replayed: boolean;
}

/** What the journal can be asked for; every field narrows the list. */
export interface JournalFilter {
  accountId?: string;
  keyPrefix?: string;
  operation?: JournalOperation;
  status?: number;
  errorCode?: string;
  idempotencyKey?: string;
  /** Virtual-clock epoch milliseconds, inclusive. */
  since?: number;
  until?: number;
  /** At most this many entries (the newest ones when `order` is 'newest'). */
  limit?: number;
  /** 'newest' first (the default for people), or 'oldest' first (for the report). */
  order?: 'newest' | 'oldest';
}
