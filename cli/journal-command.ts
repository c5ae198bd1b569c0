/**
 * `journal`: prints the request journal of a running sandbox, one line per request, and with
 * --follow keeps printing new entries as the sandbox writes them (server-sent events).
 * Exit codes: 0 done, 1 the sandbox cannot be reached or the stream broke, 2 a wrong flag or a
 * filter the sandbox refused.
 */
import { commandOptions, controlTokenFlag, parseFlags, sandboxOriginFlag, unreachableReason, UsageError } from './flags.js';
import { readEvents } from '../server/dashboard/client/control-wire.js';

export const JOURNAL_USAGE = `Usage: ai-market-sandbox journal --base-url URL [filters] [--follow] [--json]

Prints the request journal of a running sandbox: every request to /api/v1 and its answer, one
line each: time, status (--- when no answer was sent), method and path, key prefix, error code,
fault, Idempotency-Key, latency. Exit code 0; 1 when the sandbox cannot be reached; 2 on a wrong
flag or filter.

Options:
  --base-url URL          the sandbox, e.g. http://127.0.0.1:8080 (env AI_MARKET_BASE_URL)
  --account ID            only requests with a key of this account
  --key-prefix P          only requests whose key starts with P
  --operation OP          getBalance, listProducts or purchase
  --status N              only answers with this status (0: no answer was sent)
  --code CODE             only answers with this error code, e.g. RATE_LIMITED
  --idempotency-key K     only requests with this Idempotency-Key
  --since T, --until T    a time, ISO 8601 or epoch milliseconds (the sandbox's virtual clock)
  --limit N               at most N entries (1-1000, default 100): the newest, printed oldest first
  --order newest|oldest   oldest: the first N entries instead
  --follow                then keep printing new entries until interrupted (Ctrl-C)
  --json                  one JSON object per line instead of the text line
  --control-token T       bearer token of a locked control API (env AI_MARKET_MOCK_CONTROL_TOKEN)
  -h, --help              show this screen
`;

/** Flags that become query parameters of GET /_mock/journal, by their parameter name. */
const FILTERS = ['account', 'key-prefix', 'operation', 'status', 'code', 'idempotency-key', 'since', 'until', 'limit', 'order'] as const;
/** The filters the stream takes (a stream has no time range, limit or order). */
const STREAM_FILTERS = new Set(['account', 'key-prefix', 'operation', 'status', 'code', 'idempotency-key']);

export interface JournalLine {
  id: number;
  at: string;
  method: string;
  path: string;
  status: number;
  key_prefix: string | null;
  error_code: string | null;
  fault: string | null;
  idempotency_key: string | null;
  latency_ms: number;
}

/** One entry as a line for a terminal. */
export const formatEntry = (e: JournalLine) =>
  [
    e.at,
    e.status === 0 ? '---' : String(e.status),
    `${e.method} ${e.path}`,
    `key=${e.key_prefix ?? '-'}`,
    `code=${e.error_code ?? '-'}`,
    `fault=${e.fault ?? '-'}`,
    `idempotency-key=${e.idempotency_key ?? '-'}`,
    `${e.latency_ms}ms`,
  ].join('  ');

interface Options {
  baseUrl: string;
  query: URLSearchParams;
  follow: boolean;
  json: boolean;
  controlToken?: string;
}

function parseJournalArgs(args: string[], env: NodeJS.ProcessEnv): Options | 'help' {
  const values = parseFlags(args, {
    'base-url': { type: 'string' },
    ...(Object.fromEntries(FILTERS.map((name) => [name, { type: 'string' }])) as Record<(typeof FILTERS)[number], { type: 'string' }>),
    follow: { type: 'boolean' },
    json: { type: 'boolean' },
    'control-token': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const baseUrl = sandboxOriginFlag(values['base-url'], env);
  const query = new URLSearchParams();
  for (const name of FILTERS) {
    const value = values[name];
    if (value === undefined) continue;
    if (value.trim() === '') throw new UsageError(`--${name} must not be empty`);
    query.set(name.replace(/-/g, '_'), value);
  }
  const controlToken = controlTokenFlag(values['control-token'], env);
  return { baseUrl, query, follow: values.follow === true, json: values.json === true, controlToken };
}

/**
 * @example process.exitCode = await runJournal(['--base-url', 'http://127.0.0.1:8080', '--status', '502']);
 */
export async function runJournal(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fail = (code: number, message: string) => {
    process.stderr.write(`ai-market-sandbox journal: ${message}\n`);
    return code;
  };
  const options = commandOptions('journal', JOURNAL_USAGE, () => parseJournalArgs(args, env));
  if (typeof options === 'number') return options;
  const headers: Record<string, string> = options.controlToken ? { Authorization: `Bearer ${options.controlToken}` } : {};
  const print = (entry: JournalLine) => process.stdout.write(`${options.json ? JSON.stringify(entry) : formatEntry(entry)}\n`);
  const get = async (path: string, signal?: AbortSignal) => {
    try {
      return await fetch(`${options.baseUrl}${path}`, { headers, signal });
    } catch (error) {
      throw new Unreachable(`cannot reach ${options.baseUrl}: ${unreachableReason(error)}`);
    }
  };
  /** A refused filter names its query parameter; say it as the flag. */
  const refused = async (res: Response) => {
    const body = (await res.json().catch(() => ({}))) as { details?: { path: string; message: string }[]; error?: string };
    const detail = body.details?.[0];
    if (res.status === 400 && detail) return fail(2, `--${detail.path.replace(/_/g, '-')}: ${detail.message}`);
    return fail(res.status === 400 ? 2 : 1, `${options.baseUrl} answered ${res.status}: ${body.error ?? res.statusText}`);
  };

  try {
    const listed = await get(`/_mock/journal?${options.query}`, AbortSignal.timeout(15_000));
    if (!listed.ok) return refused(listed);
    const { entries } = (await listed.json()) as { entries: JournalLine[] };
    // People read a log top to bottom: the newest N are printed oldest first.
    const ordered = options.query.get('order') === 'oldest' ? entries : [...entries].reverse();
    ordered.forEach(print);
    if (!options.follow) return 0;

    const streamQuery = new URLSearchParams([...options.query].filter(([name]) => STREAM_FILTERS.has(name.replace(/_/g, '-'))));
    const lastShown = Math.max(0, ...entries.map((e) => e.id));
    streamQuery.set('after_id', String(lastShown));
    const stream = await get(`/_mock/journal/stream?${streamQuery}`);
    if (!stream.ok || !stream.body) return refused(stream);
    for await (const event of readEvents(stream.body)) {
      if (event.event === 'entry') print(JSON.parse(event.data) as JournalLine);
    }
    return fail(1, 'the sandbox closed the stream');
  } catch (error) {
    if (error instanceof Unreachable) return fail(1, error.message);
    throw error;
  }
}

class Unreachable extends Error {}
