/**
 * Schemas of the control API (mock only) and of fixture files, which the
 * control API also accepts as a body.
 */
import { z } from '@hono/zod-openapi';
import { FaultRuleInput, MAX_FAULT_RULES } from './fault-schemas.js';
import { QueryInstant } from './journal-schemas.js';
import { toMicros } from './money.js';

/** A bounded whole number; format int32 keeps generated clients from using floats. */
const int = (min: number, max: number) => z.number().int().min(min).max(max).openapi({ format: 'int32' });

/** An amount given to the control API or a fixture: a JSON number or a decimal string, at most 6 decimals. */
export const AmountInput = z
  .union([z.number(), z.string().max(32)])
  .refine((value) => toMicros(value) !== undefined, {
    message: 'must be a non-negative USDT amount with at most 6 decimal places, e.g. 12.5 or "0.10"',
  })
  .openapi('AmountInput', { example: 12.5 });

export const ApiKeyValue = z
  .string()
  .max(103)
  .regex(/^mk_[A-Za-z0-9_-]{1,100}$/, 'must start with mk_ followed by letters, digits, _ or -')
  .openapi({ example: 'mk_test_alice' });

const Id = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, _, . or -')
  .openapi({ example: '002' });

export const AccountStatus = z.enum(['active', 'suspended']);

/** The most codes one fixture may hold (and so generate at load). */
export const MAX_FIXTURE_CODES = 1_000_000;

export const FixtureAccount = z.object({
  id: Id,
  balance: AmountInput.default(0),
  status: AccountStatus.default('active'),
  keys: z.array(z.object({ key: ApiKeyValue, revoked: z.boolean().default(false) })).max(100).default([]),
});

export const FixtureProduct = z
  .object({
    id: Id,
    name: z.string().min(1).max(200),
    price: AmountInput,
    stock: int(0, 100_000).optional().openapi({ description: 'Generate this many random codes.' }),
    codes: z.array(z.string().min(1).max(200)).max(100_000).optional().openapi({ description: 'These exact codes, in the order they are sold.' }),
  })
  .refine((product) => !(product.stock !== undefined && product.codes !== undefined), {
    message: 'give either stock or codes, not both',
  });

export const Fixture = z
  .object({
    description: z.string().max(1000).optional(),
    accounts: z.array(FixtureAccount).max(10_000),
    products: z.array(FixtureProduct).max(10_000),
    faults: z.array(FaultRuleInput).max(MAX_FAULT_RULES).optional().openapi({ description: 'Fault rules in force after loading and after every reset.' }),
  })
  .superRefine((fixture, ctx) => {
    const seen = (kind: string, values: string[], path: (index: number) => (string | number)[]) => {
      const first = new Map<string, number>();
      values.forEach((value, index) => {
        if (first.has(value)) ctx.addIssue({ code: 'custom', path: path(index), message: `duplicate ${kind} "${value}"` });
        else first.set(value, index);
      });
    };
    seen('account id', fixture.accounts.map((a) => a.id), (i) => ['accounts', i, 'id']);
    seen('product id', fixture.products.map((p) => p.id), (i) => ['products', i, 'id']);
    const keys = fixture.accounts.flatMap((a, i) => a.keys.map((k, j) => ({ key: k.key, path: ['accounts', i, 'keys', j, 'key'] })));
    const firstKey = new Set<string>();
    for (const { key, path } of keys) {
      if (firstKey.has(key)) ctx.addIssue({ code: 'custom', path, message: `duplicate key "${key}"` });
      firstKey.add(key);
    }
    // Generated codes cost time and space at load: keep a whole fixture to a size that loads in seconds.
    const totalCodes = fixture.products.reduce((sum, p) => sum + (p.stock ?? p.codes?.length ?? 0), 0);
    if (totalCodes > MAX_FIXTURE_CODES) {
      ctx.addIssue({ code: 'custom', path: ['products'], message: `at most ${MAX_FIXTURE_CODES} codes in all (stock plus listed codes), got ${totalCodes}` });
    }
    // A code is delivered at most once, ever: the same code in two places would break that.
    const firstCode = new Set<string>();
    fixture.products.forEach((product, i) =>
      (product.codes ?? []).forEach((code, j) => {
        if (firstCode.has(code)) ctx.addIssue({ code: 'custom', path: ['products', i, 'codes', j], message: `duplicate code "${code}"` });
        firstCode.add(code);
      }),
    );
  })
  .openapi('Fixture');

export type Fixture = z.infer<typeof Fixture>;

export const ControlError = z
  .object({
    success: z.literal(false),
    code: z.string().max(64).openapi({ example: 'ACCOUNT_NOT_FOUND' }),
    error: z.string().max(1000),
    details: z.array(z.object({ path: z.string().max(200), message: z.string().max(1000) })).max(50).optional(),
    retry_after_seconds: z.number().int().min(1).max(86400).optional().openapi({ description: 'CONTROL_RATE_LIMITED: seconds to wait.', format: 'int32' }),
    limit_scope: z.enum(['failed_auth_address']).optional().openapi({ description: 'CONTROL_RATE_LIMITED: the limit on wrong tokens per client address.' }),
  })
  .openapi('ControlError', { example: { success: false, code: 'ACCOUNT_NOT_FOUND', error: 'No account "carol".' } });

export const KeySummary = z.object({
  prefix: z.string().max(32).openapi({ description: 'The first characters of the key; the mock stores only its hash.', example: 'mk_test_al' }),
  revoked: z.boolean(),
  created_at: z.string().max(40),
});

export const AccountView = z
  .object({
    id: Id,
    status: AccountStatus,
    balance: z.number().min(0),
    keys: z.array(KeySummary).max(100),
  })
  .openapi('Account', { example: { id: 'alice', status: 'active', balance: 100, keys: [{ prefix: 'mk_test_al', revoked: false, created_at: '2026-11-24T00:00:00.000Z' }] } });

export const CreateAccountRequest = z
  .object({
    id: Id.optional().openapi({ description: 'Defaults to a random id.' }),
    balance: AmountInput.default(0),
    status: AccountStatus.default('active'),
    key: ApiKeyValue.optional().openapi({ description: 'Defaults to a new random mk_test_ key.' }),
  })
  .openapi('CreateAccountRequest', { example: { balance: 25 } });

export const NewKeyResponse = z
  .object({ account: AccountView, key: ApiKeyValue.openapi({ description: 'The key in full. Shown once: the mock keeps only its hash.' }) })
  .openapi('NewKeyResponse', {
    example: { key: 'mk_test_4f9a0c2e7b1d3a5c', account: { id: 'acc_1', status: 'active', balance: 25, keys: [{ prefix: 'mk_test_4f', revoked: false, created_at: '2026-11-24T00:00:00.000Z' }] } },
  });

export const RevokeKeyRequest = z.object({ key: z.string().min(1).max(200) }).openapi('RevokeKeyRequest', { example: { key: 'mk_test_alice' } });

export const TopUpRequest = z.object({ amount: AmountInput }).openapi('TopUpRequest', { example: { amount: 10 } });

export const PutProductRequest = z
  .object({
    name: z.string().min(1).max(200),
    price: AmountInput,
    stock: int(0, 100_000).optional().openapi({ description: 'Replace the unsold codes with this many new random codes.' }),
    codes: z.array(z.string().min(1).max(200)).max(100_000).optional().openapi({ description: 'Replace the unsold codes with these.' }),
  })
  .refine((body) => !(body.stock !== undefined && body.codes !== undefined), { message: 'give either stock or codes, not both' })
  .openapi('PutProductRequest', { example: { name: 'Test product', price: 0.1, stock: 3 } });

export const AddCodesRequest = z
  .object({
    count: int(1, 100_000).optional(),
    codes: z.array(z.string().min(1).max(200)).min(1).max(100_000).optional(),
  })
  .refine((body) => (body.count === undefined) !== (body.codes === undefined), { message: 'give exactly one of count or codes' })
  .openapi('AddCodesRequest', { example: { count: 5 } });

export const ProductView = z
  .object({ id: Id, name: z.string().max(200), price: z.number().min(0), stock: int(0, 1_000_000_000), in_stock: z.boolean(), sold: int(0, 1_000_000_000) })
  .openapi('ControlProduct', { example: { id: '002', name: 'Steam Gift Card 5 USD', price: 5, stock: 50, in_stock: true, sold: 0 } });

export const OrderView = z
  .object({
    id: z.string().max(64),
    account_id: Id,
    product_id: Id,
    quantity: int(1, 10),
    total: z.number().min(0),
    codes: z.array(z.string().max(200)).max(10),
    idempotency_key: z.string().max(255).nullable(),
    created_at: z.string().max(40),
  })
  .openapi('Order');

export const ClockView = z
  .object({
    now: z.string().max(40).openapi({ description: 'The virtual time, ISO 8601.' }),
    offset_seconds: z.number().openapi({ description: 'How far the virtual clock is ahead of the real one.' }),
  })
  .openapi('Clock', { example: { now: '2026-11-24T00:01:00.000Z', offset_seconds: 60 } });

export const AdvanceClockRequest = z
  .object({ seconds: z.number().min(0).max(10 * 365 * 86400) })
  .openapi('AdvanceClockRequest', { example: { seconds: 86401 } });

export const Settings = z
  .object({
    idempotency_reuse: z.enum(['reject', 'replay']).openapi({
      description: 'reject: a reused Idempotency-Key with another body gets 422 IDEMPOTENCY_KEY_REUSED. replay: it silently gets the original answer.',
    }),
    rate_limit: int(1, 100_000),
    rate_window_seconds: int(1, 86_400),
    journal_limit: int(1, 1_000_000).openapi({ description: 'Entries the request journal keeps; the oldest are dropped.' }),
  })
  .openapi('Settings', { example: { idempotency_reuse: 'reject', rate_limit: 20, rate_window_seconds: 60, journal_limit: 10000 } });

export const SettingsPatch = Settings.partial().openapi('SettingsPatch', { example: { idempotency_reuse: 'replay' } });

export const StateView = z
  .object({
    clock: ClockView,
    settings: Settings,
    accounts: z.array(AccountView).max(100_000),
    products: z.array(ProductView).max(100_000),
    orders: z.array(OrderView).max(100_000),
  })
  .openapi('State', {
    example: {
      clock: { now: '2026-11-24T00:00:00.000Z', offset_seconds: 0 },
      settings: { idempotency_reuse: 'reject', rate_limit: 20, rate_window_seconds: 60, journal_limit: 10000 },
      accounts: [{ id: 'alice', status: 'active', balance: 95, keys: [{ prefix: 'mk_test_al', revoked: false, created_at: '2026-11-24T00:00:00.000Z' }] }],
      products: [{ id: '002', name: 'Steam Gift Card 5 USD', price: 5, stock: 99, in_stock: true, sold: 1 }],
      orders: [
        {
          id: 'ord_9f2c4e1a7b3d4c55',
          account_id: 'alice',
          product_id: '002',
          quantity: 1,
          total: 5,
          codes: ['SBX-002-7K3Q-9XW2-M4TD'],
          idempotency_key: 'order-001',
          created_at: '2026-11-24T00:00:00.000Z',
        },
      ],
    },
  });

export const OkResponse = z.object({ ok: z.literal(true), message: z.string().max(1000) }).openapi('Ok', { example: { ok: true, message: 'State reset to the fixture.' } });

const timeMs = z.number().int().min(0).max(8_640_000_000_000_000).openapi({ format: 'int64', description: 'Virtual-clock epoch milliseconds.' });
const count = int(0, 1_000_000_000);
const Severity = z.enum(['error', 'warning', 'info']).openapi('Severity', { description: 'error: would cost money or break on live. warning: wrong, not yet costly. info: untested.' });
const entryIds = z.array(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({ format: 'int64' })).max(20).openapi({ description: 'The first 20 journal entries that show it.' });
const ruleId = z.string().max(64).openapi({ example: 'retry-without-same-idempotency-key' });
const text = (max: number) => z.string().max(max);

export const ReportQuery = z
  .object({
    account: Id.optional().openapi({ param: { name: 'account', in: 'query' }, description: 'Only this account\'s requests.', example: 'alice' }),
    key_prefix: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
      .optional()
      .openapi({ param: { name: 'key_prefix', in: 'query' }, description: 'Only requests sent with this key, named by its prefix as GET /_mock/state shows it (the journal never keeps a whole key).', example: 'mk_test_al' }),
    since: QueryInstant.optional().openapi({ param: { name: 'since', in: 'query' }, description: 'From this virtual-clock time, inclusive: ISO 8601 or epoch ms.', example: '2026-11-24T00:00:00Z' }),
    until: QueryInstant.optional().openapi({ param: { name: 'until', in: 'query' }, description: 'Up to this virtual-clock time, inclusive.', example: '1795564800000' }),
    format: z.enum(['json', 'text', 'junit']).default('json').openapi({ param: { name: 'format', in: 'query' }, description: 'json (the Report), text (for a terminal) or junit (XML for CI).' }),
    fail_on: Severity.default('error').openapi({ param: { name: 'fail_on', in: 'query' }, description: 'With format=junit: findings at or above this severity are failures.' }),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since <= q.until, {
    path: ['until'],
    message: 'must not be before since',
  });

const Finding = z
  .object({
    id: ruleId,
    severity: Severity,
    title: text(200),
    account_id: text(64).nullable(),
    key_prefix: text(32).nullable(),
    happened: text(4000),
    fix: text(1000),
    entry_ids: entryIds,
    entry_count: count,
  })
  .openapi('ReportFinding');

const Pass = z
  .object({ id: text(64), rule: ruleId, title: text(200), detail: text(1000), entry_ids: entryIds, entry_count: count })
  .openapi('ReportPass');

const CodeCoverage = z
  .object({ code: text(64), status: int(100, 599), count, first_entry_id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().openapi({ format: 'int64' }), how_to_provoke: text(300) })
  .openapi('ReportCodeCoverage');

const RateLimit = z.object({ limit: int(1, 100_000), window_seconds: int(1, 86_400) });

export const ReportView = z
  .object({
    scope: z.object({ account_id: text(64).optional(), key_prefix: text(32).optional(), since: timeMs.optional(), until: timeMs.optional() }),
    first_at: timeMs.nullable(),
    last_at: timeMs.nullable(),
    rate_limit: z.object({ live: RateLimit, sandbox: RateLimit }).openapi({ description: 'The report judges against the live limit, whatever the sandbox is set to.' }),
    counts: z.object({ requests: count, purchases: count, orders: count, replays: count, faults: count, errors: count, warnings: count, infos: count, passes: count }),
    findings: z.array(Finding).max(10_000).openapi({ description: 'One per rule and account (or key), most severe first.' }),
    passes: z.array(Pass).max(100),
    coverage: z.array(CodeCoverage).max(50).openapi({ description: 'Every documented error code; met ones first.' }),
    rules: z.array(z.object({ id: ruleId, severity: Severity, title: text(200), findings: count })).max(100).openapi({ description: 'Every rule checked (a JUnit testcase each).' }),
  })
  .openapi('Report', {
    example: {
      scope: { account_id: 'alice' },
      first_at: 1795478400000,
      last_at: 1795478405000,
      rate_limit: { live: { limit: 20, window_seconds: 60 }, sandbox: { limit: 20, window_seconds: 60 } },
      counts: { requests: 2, purchases: 2, orders: 2, replays: 0, faults: 1, errors: 1, warnings: 0, infos: 0, passes: 0 },
      findings: [
        {
          id: 'retry-without-same-idempotency-key',
          severity: 'error',
          title: 'Failed purchase retried with another Idempotency-Key, or none',
          account_id: 'alice',
          key_prefix: null,
          happened:
            '1 failed purchase of account alice (product 002 × 1) was retried with another Idempotency-Key. The first attempt had been committed (after_commit_reset): the wallet was charged, and the retry charged it again.',
          fix: 'Keep the Idempotency-Key with the order and send the same key on every retry of it: the API then answers with the first result instead of charging again.',
          entry_ids: [1, 2],
          entry_count: 2,
        },
      ],
      passes: [],
      coverage: [{ code: 'RATE_LIMITED', status: 429, count: 0, first_entry_id: null, how_to_provoke: 'PATCH /_mock/settings {"rate_limit": 1}, then two requests with one key' }],
      rules: [{ id: 'retry-without-same-idempotency-key', severity: 'error', title: 'Failed purchase retried with another Idempotency-Key, or none', findings: 1 }],
    },
  });
