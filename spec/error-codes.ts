/**
 * Every error code the API (and the mock) can answer with, in one table.
 * The server's error module and the generated OpenAPI document both read it,
 * so a code cannot exist in one and be missing from the other.
 */
export const errorCodes = {
  NO_KEY: { status: 401, mockOnly: false, summary: 'The X-API-Key header is missing.' },
  INVALID_KEY: { status: 401, mockOnly: false, summary: 'The key is unknown, malformed or revoked.' },
  VALIDATION: { status: 400, mockOnly: false, summary: 'The request body or a header is invalid (quantity must be 1-10).' },
  INSUFFICIENT_BALANCE: { status: 402, mockOnly: false, summary: 'The wallet holds less than price x quantity.' },
  FORBIDDEN: { status: 403, mockOnly: false, summary: 'The account is suspended.' },
  PRODUCT_NOT_FOUND: { status: 404, mockOnly: false, summary: 'No product has this id.' },
  OUT_OF_STOCK: { status: 409, mockOnly: false, summary: 'The product has fewer codes left than the quantity asked for.' },
  RATE_LIMITED: { status: 429, mockOnly: false, summary: 'Over the request limit (20 per rolling minute per key).' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    mockOnly: true,
    summary: 'Mock extension: the Idempotency-Key was already used with a different body.',
  },
  NOT_FOUND: { status: 404, mockOnly: true, summary: 'Mock extension: no such path.' },
  METHOD_NOT_ALLOWED: { status: 405, mockOnly: true, summary: 'Mock extension: the path exists but not with this method.' },
  PAYLOAD_TOO_LARGE: { status: 413, mockOnly: true, summary: 'Mock extension: the request body is over the limit (16 KiB for a purchase).' },
  // Answered by the HTTP layer before any route, for any path (server/http/harden-server.ts).
  BAD_REQUEST: {
    status: 400,
    mockOnly: true,
    summary: 'Mock extension: not a valid HTTP/1.1 request (request line, header syntax, framing, Host); answered before routing.',
  },
  REQUEST_TIMEOUT: { status: 408, mockOnly: true, summary: 'Mock extension: the headers or the body did not arrive within the server\'s timeouts.' },
  HEADERS_TOO_LARGE: { status: 431, mockOnly: true, summary: 'Mock extension: the request\'s header block is over 16 KiB.' },
  // The answers of fault rules (and 500 also of a bug in the mock): the live API may fail like this
  // too, but its documentation promises no body, so these codes are the mock's own.
  INTERNAL_ERROR: { status: 500, mockOnly: true, summary: 'Mock extension: the server failed (a fault rule, or a bug in the mock).' },
  UPSTREAM_ERROR: { status: 502, mockOnly: true, summary: 'Mock extension: a gateway got no valid answer from the API (a fault rule).' },
  SERVICE_UNAVAILABLE: { status: 503, mockOnly: true, summary: 'Mock extension: the service is unavailable for a moment (a fault rule).' },
  UPSTREAM_TIMEOUT: { status: 504, mockOnly: true, summary: 'Mock extension: a gateway gave up waiting for the API (a fault rule).' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export const allErrorCodes = Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]];

/** Codes of the control API only (never answered under /api/v1). */
export const controlErrorCodes = {
  CONTROL_UNAUTHORIZED: { status: 401, summary: 'The control API is locked and the token is missing or wrong.' },
  CONTROL_VALIDATION: { status: 400, summary: 'The control request is invalid.' },
  ACCOUNT_NOT_FOUND: { status: 404, summary: 'No account has this id.' },
  KEY_NOT_FOUND: { status: 404, summary: 'No key matches.' },
  PRODUCT_NOT_FOUND: { status: 404, summary: 'No product has this id.' },
  ACCOUNT_EXISTS: { status: 409, summary: 'An account or key with this id already exists.' },
  CODE_EXISTS: { status: 409, summary: 'A code is already in the store (codes are unique, ever).' },
  FAULT_NOT_FOUND: { status: 404, summary: 'No fault rule has this id.' },
  PAYLOAD_TOO_LARGE: { status: 413, summary: 'The request body is over the limit (8 MiB).' },
  CONTROL_RATE_LIMITED: { status: 429, summary: 'Too many wrong control tokens from this address; wait retry_after_seconds.' },
} as const;

export type ControlErrorCode = keyof typeof controlErrorCodes;
