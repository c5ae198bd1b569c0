/**
 * Configuration: every setting, its environment variable, flag and default, in
 * one table; parsed and checked once at startup. A bad setting stops startup with
 * a one-line message naming the variable or flag.
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positive = (max: number) => z.coerce.number().int().min(1).max(max);

/** The settings, in the order --help lists them. */
export const settingsTable = {
  host: { env: 'AI_MARKET_MOCK_HOST', flag: '--host', default: '127.0.0.1', schema: z.string().min(1), help: 'address to listen on (0.0.0.0 for every interface)' },
  port: { env: 'AI_MARKET_MOCK_PORT', flag: '--port', default: '8080', schema: port, help: 'port to listen on (0 picks a free one)' },
  db: { env: 'AI_MARKET_MOCK_DB', flag: '--db', default: '.data/sandbox.sqlite', schema: z.string().min(1), help: 'SQLite file that keeps the state across restarts, or :memory: for a throwaway run' },
  fixtures: { env: 'AI_MARKET_MOCK_FIXTURES', flag: '--fixtures', default: '', schema: z.string(), help: 'fixture JSON file to seed and reset to (default: the embedded fixtures/default.json)' },
  rateLimit: { env: 'AI_MARKET_MOCK_RATE_LIMIT', flag: '--rate-limit', default: '20', schema: positive(100_000), help: 'requests per window per API key' },
  rateWindow: { env: 'AI_MARKET_MOCK_RATE_WINDOW', flag: '--rate-window', default: '60', schema: positive(86_400), help: 'rate-limit window in seconds' },
  controlToken: { env: 'AI_MARKET_MOCK_CONTROL_TOKEN', flag: '--control-token', default: '', schema: z.string().refine((t) => t === '' || t.length >= 8, 'must be at least 8 characters'), help: 'lock the control API (/_mock) with this bearer token (default: open)' },
  idempotencyReuse: { env: 'AI_MARKET_MOCK_IDEMPOTENCY_REUSE', flag: '--idempotency-reuse', default: 'reject', schema: z.enum(['reject', 'replay']), help: 'a reused Idempotency-Key with another body: reject (422) or replay (like a lenient live API)' },
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
  const config: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settingsTable)) {
    const fromFlag = flags.get(setting.flag);
    const raw = fromFlag ?? env[setting.env] ?? setting.default;
    const parsed = setting.schema.safeParse(raw);
    if (!parsed.success) {
      const source = fromFlag !== undefined ? setting.flag : env[setting.env] !== undefined ? setting.env : `default of ${setting.flag}`;
      throw new ConfigError(`${source}=${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    config[name] = parsed.data;
  }
  const parsed = config as Config;
  if (parsed.headersTimeoutMs > parsed.requestTimeoutMs) {
    throw new ConfigError(`headers timeout ${parsed.headersTimeoutMs} ms is longer than the request timeout ${parsed.requestTimeoutMs} ms (--request-timeout-ms includes the headers)`);
  }
  return parsed;
}

function parseFlags(argv: readonly string[]): Map<string, string> {
  const known = new Set<string>(Object.values(settingsTable).map((s) => s.flag));
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!known.has(flag)) throw new ConfigError(`unknown option ${flag} (see --help)`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    flags.set(flag, value);
  }
  return flags;
}

/** The --help text of the settings, with their variables and defaults. */
export function settingsHelp(): string {
  return Object.values(settingsTable)
    .map((s) => `  ${`${s.flag} <value>`.padEnd(30)}${s.help}\n  ${''.padEnd(30)}env ${s.env}, default: ${s.default || '(none)'}`)
    .join('\n');
}
