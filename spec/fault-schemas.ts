/**
 * Fault rules (mock only): what to do to which requests of the public API, and how often. The
 * control API takes them as a body, `--fault` / AI_MARKET_MOCK_FAULTS take them as JSON, and a
 * fixture file may list them under `faults`; all three are checked by this one schema.
 */
import { z } from '@hono/zod-openapi';

/** The longest a latency or a hang may last: a rehearsal, not a way to pin connections for hours. */
export const MAX_FAULT_DELAY_MS = 5 * 60 * 1000;
/** How long a hang holds the connection when the rule does not say. */
export const DEFAULT_HANG_MS = 60_000;
/** The most rules one list (a fixture, the configuration) may hold. */
export const MAX_FAULT_RULES = 100;

const int = (min: number, max: number) => z.number().int().min(min).max(max).openapi({ format: 'int32' });
const delay = (description: string) => int(0, MAX_FAULT_DELAY_MS).openapi({ description });

export const FaultOperation = z.enum(['getBalance', 'listProducts', 'purchase']);

/** Which requests a rule applies to; every field narrows it, none means every request. */
const matchFields = {
  operation: FaultOperation.optional().openapi({ description: 'Only this operation.' }),
  account: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be an account id (1-64 letters, digits, _, . or -)')
    .optional()
    .openapi({ description: 'Only requests with a key of this account.', example: 'alice' }),
  key: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Only requests with exactly this X-API-Key. The mock keeps only its hash.', example: 'mk_test_alice' }),
  key_prefix: z
    .string()
    .min(1)
    .max(16)
    .optional()
    .openapi({ description: 'Only requests whose X-API-Key starts with this (not a whole key: give that as key).', example: 'mk_test_' }),
  product_id: z.string().min(1).max(64).optional().openapi({ description: 'Only purchases of this product.', example: '002' }),
  with_idempotency_key: z
    .boolean()
    .optional()
    .openapi({ description: 'true: only requests that send an Idempotency-Key; false: only requests without one.' }),
};

/** How often a matching request gets the fault; at most one of times, every, probability (none: every time). */
const frequencyFields = {
  times: int(1, 1_000_000).optional().openapi({ description: 'The next N matching requests, then the rule is spent.' }),
  every: int(1, 1_000_000).optional().openapi({ description: 'Every Nth matching request (the Nth, the 2Nth, ...).' }),
  probability: z.number().min(0).max(1).optional().openapi({ description: 'Each matching request with this probability.' }),
  seed: z
    .number()
    .int()
    .min(0)
    .max(4_294_967_295)
    .optional()
    .openapi({ description: 'Seed of the rule\'s own random sequence (probability, latency ranges): the same seed repeats a run exactly. Default: random, shown in the list.', format: 'int64' }),
};

const rule = <K extends string, S extends z.ZodRawShape>(kind: K, description: string, shape: S) =>
  z.strictObject({ kind: z.literal(kind).openapi({ description }), ...matchFields, ...frequencyFields, ...shape });

const errorBody = z.enum(['json', 'html']).default('json').openapi({
  description: 'json: the API\'s error shape with a mock-only code. html: a page like a proxy in front of the API sends.',
});

const kinds = [
  rule('latency', 'Delay the request, then process it normally.', {
    ms: delay('A fixed delay.').optional(),
    min_ms: delay('A delay drawn from min_ms..max_ms (with max_ms).').optional(),
    max_ms: delay('See min_ms.').optional(),
  }),
  rule('error_response', 'Answer 500, 502, 503 or 504 without processing the request.', {
    status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)], { error: 'must be 500, 502, 503 or 504' }).default(502),
    body: errorBody,
  }),
  rule('close_before', 'Close the connection (FIN) without processing the request.', {}),
  rule('reset_before', 'Reset the connection (RST) without processing the request.', {}),
  rule('hang', 'Never answer; close the connection when the client gives up or after max_ms.', {
    max_ms: int(1, MAX_FAULT_DELAY_MS).default(DEFAULT_HANG_MS),
  }),
  rule('after_commit_reset', 'Purchases only: commit the purchase, then reset the connection instead of answering.', {}),
  rule('after_commit_hang', 'Purchases only: commit the purchase, then never answer (closed after max_ms).', {
    max_ms: int(1, MAX_FAULT_DELAY_MS).default(DEFAULT_HANG_MS),
  }),
  rule('after_commit_error', 'Purchases only: commit the purchase, then answer 500, 502 or 504 instead.', {
    status: z.union([z.literal(500), z.literal(502), z.literal(504)], { error: 'must be 500, 502 or 504' }).default(502),
    body: errorBody,
  }),
] as const;

export const FAULT_KINDS = kinds.map((k) => k.shape.kind.value);

const AFTER_COMMIT = new Set(['after_commit_reset', 'after_commit_hang', 'after_commit_error']);

export const FaultRuleInput = z
  .discriminatedUnion('kind', kinds, { error: `kind must be one of ${FAULT_KINDS.join(', ')}` })
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const given = (['times', 'every', 'probability'] as const).filter((f) => r[f] !== undefined);
    if (given.length > 1) issue(given[1]!, `give at most one of times, every and probability (got ${given.join(' and ')})`);
    if (r.key !== undefined && r.key_prefix !== undefined) issue('key_prefix', 'give key or key_prefix, not both');
    const purchaseOnly = AFTER_COMMIT.has(r.kind) ? `${r.kind} applies to purchases only` : r.product_id !== undefined ? 'only purchases have a product_id' : undefined;
    if (purchaseOnly && r.operation !== undefined && r.operation !== 'purchase') issue('operation', `${purchaseOnly}; operation must be purchase`);
    if (r.kind === 'latency') {
      const range = r.min_ms !== undefined || r.max_ms !== undefined;
      if (r.ms !== undefined && range) issue('ms', 'give ms, or min_ms and max_ms, not both');
      else if (r.ms === undefined && !range) issue('ms', 'give ms (a fixed delay), or min_ms and max_ms (a range)');
      else if (range && r.min_ms === undefined) issue('min_ms', 'a range needs min_ms as well as max_ms');
      else if (range && r.max_ms === undefined) issue('max_ms', 'a range needs max_ms as well as min_ms');
      else if (r.min_ms !== undefined && r.max_ms !== undefined && r.min_ms > r.max_ms) issue('min_ms', `must not be above max_ms (${r.max_ms})`);
    }
  })
  .openapi('FaultRuleInput', {
    description: 'A fault rule: kind (what), the match fields (to which requests), times / every / probability (how often).',
    example: { kind: 'after_commit_reset', operation: 'purchase', times: 1 },
  });

export type FaultRuleInput = z.output<typeof FaultRuleInput>;
export type FaultKind = FaultRuleInput['kind'];
export const isAfterCommit = (kind: FaultKind) => AFTER_COMMIT.has(kind);

export const FaultRuleView = z
  .object({
    id: int(1, 2_147_483_647),
    kind: z.enum(FAULT_KINDS as [FaultKind, ...FaultKind[]]),
    source: z.enum(['api', 'config', 'fixture']).openapi({ description: 'Where the rule came from: the control API, --fault / AI_MARKET_MOCK_FAULTS, or the fixture.' }),
    operation: FaultOperation.optional(),
    account: z.string().max(64).optional(),
    key: z.string().max(32).optional().openapi({ description: 'The first characters of the key the rule matches exactly, then "…"; only its hash is kept.' }),
    key_prefix: z.string().max(16).optional(),
    product_id: z.string().max(64).optional(),
    with_idempotency_key: z.boolean().optional(),
    times: int(1, 1_000_000).optional(),
    every: int(1, 1_000_000).optional(),
    probability: z.number().min(0).max(1).optional(),
    seed: z.number().int().min(0).max(4_294_967_295).openapi({ format: 'int64' }),
    ms: int(0, MAX_FAULT_DELAY_MS).optional(),
    min_ms: int(0, MAX_FAULT_DELAY_MS).optional(),
    max_ms: int(0, MAX_FAULT_DELAY_MS).optional(),
    status: int(500, 504).optional(),
    body: z.enum(['json', 'html']).optional(),
    seen: int(0, 2_147_483_647).openapi({ description: 'Matching requests the rule was tried on.' }),
    fired: int(0, 2_147_483_647).openapi({ description: 'Requests it applied to.' }),
    remaining: int(0, 1_000_000).nullable().openapi({ description: 'For times: how many are left; null otherwise.' }),
    created_at: z.string().max(40),
  })
  .openapi('FaultRule', {
    example: {
      id: 1,
      kind: 'after_commit_reset',
      source: 'api',
      operation: 'purchase',
      times: 1,
      seed: 2654435769,
      seen: 0,
      fired: 0,
      remaining: 1,
      created_at: '2026-11-24T00:00:00.000Z',
    },
  });

export const FaultRuleList = z.object({ faults: z.array(FaultRuleView).max(10_000) }).openapi('FaultRuleList');
