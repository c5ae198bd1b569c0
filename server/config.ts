/**
 * Configuration: every setting, its environment variable, flag and default, in
 * one table; parsed and checked once at startup. A bad setting stops startup with
 * a one-line message naming the variable or flag.
 */
import { z } from 'zod';
import { FaultRuleInput, MAX_FAULT_RULES } from '../spec/fault-schemas.js';

const port = z.coerce.number().int().min(0).max(65535);
const positive = (max: number) => z.coerce.number().int().min(1).max(max);

/** Fault rules as JSON text: one rule (an object) or a list of them. */
const faultRulesJson = z
  .string()
  .transform((text, ctx) => {
    if (text.trim() === '') return [];
    try {
      const value: unknown = JSON.parse(text);
      return Array.isArray(value) ? value : [value];
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a fault rule as JSON, e.g. {"kind":"reset_before","operation":"purchase","times":1}, or a JSON array of them' });
      return z.NEVER;
    }
  })
  .pipe(z.array(FaultRuleInput).max(MAX_FAULT_RULES));

/** The settings, in the order --help lists them. A repeatable flag may be given several times; its values add up. */
export const settingsTable = {
  host: { env: 'AI_MARKET_MOCK_HOST', flag: '--host', default: '127.0.0.1', schema: z.string().min(1), help: 'address to listen on (0.0.0.0 for every interface)' },
  port: { env: 'AI_MARKET_MOCK_PORT', flag: '--port', default: '8080', schema: port, help: 'port to listen on (0 picks a free one)' },
  db: { env: 'AI_MARKET_MOCK_DB', flag: '--db', default: '.data/sandbox.sqlite', schema: z.string().min(1), help: 'SQLite file that keeps the state across restarts, or :memory: for a throwaway run' },
  fixtures: { env: 'AI_MARKET_MOCK_FIXTURES', flag: '--fixtures', default: '', schema: z.string(), help: 'fixture JSON file to seed and reset to (default: the embedded fixtures/default.json)' },
  rateLimit: { env: 'AI_MARKET_MOCK_RATE_LIMIT', flag: '--rate-limit', default: '20', schema: positive(100_000), help: 'requests per window per API key' },
  rateWindow: { env: 'AI_MARKET_MOCK_RATE_WINDOW', flag: '--rate-window', default: '60', schema: positive(86_400), help: 'rate-limit window in seconds' },
  controlToken: { env: 'AI_MARKET_MOCK_CONTROL_TOKEN', flag: '--control-token', default: '', schema: z.string().refine((t) => t === '' || t.length >= 8, 'must be at least 8 characters'), help: 'lock the control API (/_mock) with this bearer token (default: open)' },
  idempotencyReuse: { env: 'AI_MARKET_MOCK_IDEMPOTENCY_REUSE', flag: '--idempotency-reuse', default: 'reject', schema: z.enum(['reject', 'replay']), help: 'a reused Idempotency-Key with another body: reject (422) or replay (like a lenient live API)' },
  faults: { env: 'AI_MARKET_MOCK_FAULTS', flag: '--fault', default: '', repeatable: true, schema: faultRulesJson, help: 'a fault rule as JSON (repeatable; the variable takes a JSON array), e.g. {"kind":"reset_before","times":1}' },
  journalLimit: { env: 'AI_MARKET_MOCK_JOURNAL_LIMIT', flag: '--journal-limit', default: '10000', schema: positive(1_000_000), help: 'entries the request journal keeps (the oldest are dropped)' },
  headersTimeoutMs: { env: 'AI_MARKET_MOCK_HEADERS_TIMEOUT_MS', flag: '--headers-timeout-ms', default: '10000', schema: positive(3_600_000), help: 'a request\'s headers must arrive within this many ms (else 408 REQUEST_TIMEOUT)' },
  requestTimeoutMs: { env: 'AI_MARKET_MOCK_REQUEST_TIMEOUT_MS', flag: '--request-timeout-ms', default: '30000', schema: positive(3_600_000), help: 'a whole request, body included, must arrive within this many ms (at least the headers timeout)' },
  keepAliveTimeoutMs: { env: 'AI_MARKET_MOCK_KEEP_ALIVE_TIMEOUT_MS', flag: '--keep-alive-timeout-ms', default: '5000', schema: positive(3_600_000), help: 'an idle keep-alive connection is closed after this many ms' },
  maxConnections: { env: 'AI_MARKET_MOCK_MAX_CONNECTIONS', flag: '--max-connections', default: '1000', schema: positive(1_000_000), help: 'most connections open at once; at the cap a new one replaces an idle or silent one' },
} as const;

type Table = typeof settingsTable;
export type Config = { [K in keyof Table]: z.output<Table[K]['schema']> };

export class ConfigError extends Error {}

/**
 * Flags win over environment variables, which win over defaults.
 * @example parseConfig(['--port', '9090'], process.env)
 */
export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Config {
  const flags = parseFlags(argv);
  return checkSettings((setting) => {
    const fromFlags = flags.get(setting.flag);
    // A repeated flag: every value of a repeatable one, else the last.
    if (fromFlags) return { raws: 'repeatable' in setting ? fromFlags : fromFlags.slice(-1), source: setting.flag };
    if (env[setting.env] !== undefined) return { raws: [env[setting.env]], source: setting.env };
    return { raws: [setting.default], source: `default of ${setting.flag}` };
  });
}

/** Settings given as values in code (startSandbox's options), before checking. */
export type ConfigValues = Partial<Config>;

/**
 * Settings given in code, checked with the same schemas as flags and variables; a value not given
 * takes `defaults`, then the table's default. A bad value throws a ConfigError naming the option.
 * Fault rules may be given as the list they parse to: they go through the schema as JSON text.
 * @example configFromValues({ rateLimit: 1000 }, { db: ':memory:', port: 0 })
 */
export function configFromValues(values: ConfigValues, defaults: ConfigValues = {}): Config {
  return checkSettings((setting, name) => {
    const given = values[name] !== undefined ? { value: values[name], source: `options.${name}` } : { value: defaults[name], source: `default of options.${name}` };
    if (given.value === undefined) return { raws: [setting.default], source: given.source };
    return { raws: [name === 'faults' && typeof given.value !== 'string' ? JSON.stringify(given.value) : given.value], source: given.source };
  });
}

type Setting = Table[keyof Table];

/** Each setting's raw values (several for a repeatable one), checked with its schema; the first bad one names its source. */
function checkSettings(pick: (setting: Setting, name: keyof Table) => { raws: unknown[]; source: string }): Config {
  const config: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settingsTable) as [keyof Table, Setting][]) {
    const { raws, source } = pick(setting, name);
    const values = raws.map((raw) => {
      const parsed = setting.schema.safeParse(raw);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw new ConfigError(`${source}=${JSON.stringify(raw)}: ${where}${issue?.message ?? 'invalid'}`);
    });
    config[name] = 'repeatable' in setting ? values.flat() : values[0];
  }
  const parsed = config as Config;
  if (parsed.headersTimeoutMs > parsed.requestTimeoutMs) {
    throw new ConfigError(`headers timeout ${parsed.headersTimeoutMs} ms is longer than the request timeout ${parsed.requestTimeoutMs} ms (--request-timeout-ms includes the headers)`);
  }
  return parsed;
}

function parseFlags(argv: readonly string[]): Map<string, string[]> {
  const known = new Set<string>(Object.values(settingsTable).map((s) => s.flag));
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!known.has(flag)) throw new ConfigError(`unknown option ${flag} (see --help)`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    flags.set(flag, [...(flags.get(flag) ?? []), value]);
  }
  return flags;
}

/** The --help text of the settings, with their variables and defaults. */
export function settingsHelp(): string {
  return Object.values(settingsTable)
    .map((s) => `  ${`${s.flag} <value>`.padEnd(30)}${s.help}\n  ${''.padEnd(30)}env ${s.env}, default: ${s.default || '(none)'}`)
    .join('\n');
}
