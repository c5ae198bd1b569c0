/**
 * The request journal as the control API shows it (mock only): every request to /api/v1 with
 * its answer, filtered by query parameters. Field names are the snake_case of JournalEntry
 * (server/journal/journal-entry.ts).
 */
import { z } from '@hono/zod-openapi';
import { FaultOperation, FAULT_KINDS } from './fault-schemas.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max).openapi({ format: 'int32' });
/** A whole number in a query string. */
const queryInt = (min: number, max: number, example: number) =>
  z
    .string()
    .max(12)
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .openapi({ type: 'integer', minimum: min, maximum: max, format: max > 2_147_483_647 ? 'int64' : 'int32', example });

/**
 * An instant as a query parameter: ISO 8601 (`2026-11-24T10:00:00Z`, a date alone is midnight UTC)
 * or epoch milliseconds. Undefined when the text is neither.
 */
export function parseInstant(text: string): number | undefined {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A time in a query string (the journal's and the report's since and until), as virtual-clock epoch ms. */
export const QueryInstant = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const ms = parseInstant(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time (2026-11-24T10:00:00Z) or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  })
  .openapi({ description: 'ISO 8601 or epoch milliseconds, on the virtual clock.', example: '2026-11-24T10:00:00Z' });

/** Filters shared by the list and the stream. */
const filterShape = {
  account: z.string().min(1).max(64).optional().openapi({ description: 'Only requests with a key of this account.', example: 'alice' }),
  key_prefix: z.string().min(1).max(200).optional().openapi({ description: 'Only requests whose key starts with this (its first 10 characters are compared).', example: 'mk_test_al' }),
  operation: FaultOperation.optional(),
  status: queryInt(0, 599, 502).optional().openapi({ description: 'Only answers with this status (0: no answer was sent).' }),
  code: z.string().min(1).max(64).regex(/^[A-Z_]+$/, 'must be an error code such as RATE_LIMITED').optional(),
  idempotency_key: z.string().min(1).max(255).optional(),
};

export const JournalQuery = z
  .strictObject({
    ...filterShape,
    since: QueryInstant.optional(),
    until: QueryInstant.optional(),
    limit: queryInt(1, 1000, 100).optional().openapi({ description: 'At most this many entries (default 100).' }),
    order: z.enum(['newest', 'oldest']).optional().openapi({ description: 'newest first (the default) or oldest first.' }),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since <= q.until, { path: ['since'], message: 'must not be after until' });

export const JournalStreamQuery = z.strictObject({
  ...filterShape,
  // A string of digits: an entry id is a position in the journal, not a secret to guess.
  after_id: z
    .string()
    .max(16)
    .regex(/^[0-9]{1,16}$/, 'must be a journal entry id (a whole number)')
    .transform(Number)
    .optional()
    .openapi({ example: '0', description: 'Send the entries after this id first (default: only new ones; the Last-Event-ID header works too).' }),
});

export const JournalEntryView = z
  .object({
    id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' }),
    at: z.string().max(40).openapi({ description: 'When the request arrived, on the virtual clock (ISO 8601).' }),
    method: z.string().max(16),
    path: z.string().max(2048),
    operation: FaultOperation.nullable(),
    account_id: z.string().max(64).nullable(),
    key_prefix: z.string().max(16).nullable().openapi({ description: 'The first characters of the X-API-Key sent; never the whole key.' }),
    idempotency_key: z.string().max(1024).nullable(),
    request_body: z.string().max(4096).nullable().openapi({ description: 'Truncated past 4096 characters.' }),
    status: int(0, 599).openapi({ description: '0 when no answer was sent (a closed or reset connection, a hang).' }),
    error_code: z.string().max(64).nullable(),
    response_body: z.string().max(4096).nullable().openapi({ description: 'Truncated past 4096 characters; null when no answer was sent.' }),
    latency_ms: int(0, 2_147_483_647),
    fault: z.enum(FAULT_KINDS as [string, ...string[]]).nullable(),
    order_id: z.string().max(64).nullable().openapi({ description: 'The order a purchase created or replayed.' }),
    replayed: z.boolean(),
  })
  .openapi('JournalEntry', {
    example: {
      id: 42,
      at: '2026-11-24T10:00:00.000Z',
      method: 'POST',
      path: '/api/v1/purchase',
      operation: 'purchase',
      account_id: 'alice',
      key_prefix: 'mk_test_al',
      idempotency_key: 'order-001',
      request_body: '{"product_id":"002","quantity":1}',
      status: 0,
      error_code: null,
      response_body: null,
      latency_ms: 3,
      fault: 'after_commit_reset',
      order_id: 'ord_9f2c4e1a7b3d4c55',
      replayed: false,
    },
  });

export const JournalList = z.object({ entries: z.array(JournalEntryView).max(1000) }).openapi('JournalList');
