import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ReportQuery, ReportView } from '../spec/control-schemas.js';
import { hasFindingAtOrAbove } from '../server/report/build-report.js';
import { fromWire } from '../server/report/format-json.js';
import { formatReport, reportFormats, severities, type ReportFormat } from '../server/report/format-report.js';
import type { Report, Severity } from '../server/report/report-types.js';
import { commandOptions, controlTokenFlag, parseFlags, sandboxOriginFlag, unreachableReason, UsageError } from './flags.js';

export const REPORT_USAGE = `Usage: ai-market-sandbox report --base-url URL [options]

Asks a running sandbox what the integration whose requests its journal holds would do wrong with
real money on the live API (GET /_mock/report), and prints it. Exit code 0 when no finding is at or
above --fail-on, 1 when one is (or the sandbox cannot answer), 2 on a wrong flag.

Options:
  --base-url URL      the sandbox, e.g. http://127.0.0.1:8080 (env AI_MARKET_BASE_URL)
  --account ID        only this account's requests
  --key-prefix P      only requests with this key (its prefix, as GET /_mock/state shows it)
  --since T           from this virtual-clock time: ISO 8601 (2026-11-24T10:00:00Z) or epoch ms
  --until T           up to this time, same forms
  --format F          text (default), json or junit
  --junit PATH        also write the JUnit XML report to PATH
  --fail-on S         error (default), warning or info: the severity that fails the run
  --control-token T   bearer token of a sandbox whose control API is locked
                      (env AI_MARKET_MOCK_CONTROL_TOKEN)
  -h, --help          show this screen
`;

export interface ReportCommandOptions {
  baseUrl: string;
  /** The query of GET /_mock/report, without format (the report is always fetched as JSON). */
  query: { account?: string; key_prefix?: string; since?: string; until?: string };
  format: ReportFormat;
  failOn: Severity;
  junitPath?: string;
  controlToken?: string;
}

const QUERY_FLAGS: Record<string, string> = { account: '--account', key_prefix: '--key-prefix', since: '--since', until: '--until' };

const oneOf = <T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T => {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
};

/** Reads the flags; throws UsageError with a one-line message on anything wrong. */
export function parseReportArgs(args: string[], env: NodeJS.ProcessEnv): ReportCommandOptions | 'help' {
  const values = parseFlags(args, {
    'base-url': { type: 'string' },
    account: { type: 'string' },
    'key-prefix': { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    format: { type: 'string' },
    junit: { type: 'string' },
    'fail-on': { type: 'string' },
    'control-token': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const baseUrl = sandboxOriginFlag(values['base-url'], env);

  // The endpoint's own query schema judges the values, so the CLI and the server agree on them.
  const query = { account: values.account, key_prefix: values['key-prefix'], since: values.since, until: values.until };
  const checked = ReportQuery.safeParse(query);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const field = String(issue.path[0] ?? 'query');
    throw new UsageError(`${QUERY_FLAGS[field] ?? field} ${issue.message}, got '${(query as Record<string, string | undefined>)[field] ?? ''}'`);
  }
  const controlToken = controlTokenFlag(values['control-token'], env);
  if (values.junit !== undefined && values.junit.trim() === '') throw new UsageError('--junit must not be empty');

  return {
    baseUrl,
    query: Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)),
    format: oneOf('--format', values.format, reportFormats, 'text'),
    failOn: oneOf('--fail-on', values['fail-on'], severities, 'error'),
    junitPath: values.junit === undefined ? undefined : resolve(values.junit),
    controlToken,
  };
}

/** Where the report is fetched from: always as JSON, formatted here by the endpoint's own formatters. */
export const reportUrl = (options: ReportCommandOptions) => `${options.baseUrl}/_mock/report?${new URLSearchParams({ ...options.query, format: 'json' })}`;

/** What the command prints and writes for a report, and its exit code. */
export function reportOutcome(report: Report, options: Pick<ReportCommandOptions, 'format' | 'failOn' | 'junitPath'>) {
  return {
    stdout: formatReport(report, options.format, options.failOn),
    junit: options.junitPath === undefined ? undefined : formatReport(report, 'junit', options.failOn),
    exitCode: hasFindingAtOrAbove(report, options.failOn) ? 1 : 0,
  };
}

/** The report the sandbox answers, or a one-line reason it did not. */
async function fetchReport(options: ReportCommandOptions): Promise<Report | string> {
  let res: Response;
  try {
    res = await fetch(reportUrl(options), {
      headers: options.controlToken === undefined ? {} : { Authorization: `Bearer ${options.controlToken}` },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    return `cannot reach ${options.baseUrl}: ${unreachableReason(error)}`;
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status !== 200) {
    const { code, error } = (body ?? {}) as { code?: string; error?: string };
    const hint = res.status === 401 ? ' (pass --control-token)' : res.status === 404 ? ' (no report here: not a sandbox, or one older than the report)' : '';
    return `GET /_mock/report answered ${res.status}${code ? ` ${code}` : ''}${error ? `: ${error}` : ''}${hint}`;
  }
  const report = ReportView.safeParse(body);
  if (!report.success) return `GET /_mock/report did not answer a report: ${report.error.issues[0]?.path.join('.') || '(body)'}: ${report.error.issues[0]?.message}`;
  return fromWire(report.data);
}

/**
 * The `report` command. Returns the process exit code: 0 no finding at or above --fail-on,
 * 1 one is (or the sandbox could not answer), 2 a wrong flag.
 *
 * @example
 *   process.exitCode = await runReport(['--base-url', 'http://127.0.0.1:8080', '--fail-on', 'warning']);
 */
export async function runReport(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = commandOptions('report', REPORT_USAGE, () => parseReportArgs(args, env));
  if (typeof options === 'number') return options;
  const report = await fetchReport(options);
  if (typeof report === 'string') {
    process.stderr.write(`ai-market-sandbox report: ${report}\n`);
    return 1;
  }
  const outcome = reportOutcome(report, options);
  if (outcome.junit !== undefined && options.junitPath !== undefined) {
    mkdirSync(dirname(options.junitPath), { recursive: true });
    writeFileSync(options.junitPath, outcome.junit);
  }
  process.stdout.write(outcome.stdout);
  return outcome.exitCode;
}
