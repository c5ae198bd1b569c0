/**
 * The report command's flags, URL and outcome, without a server. Against a spawned sandbox and
 * its journal: process-tests/integration-report.test.ts; against no server at all:
 * process-tests/client-commands-unreachable.test.ts.
 */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildReport } from '../server/report/build-report.js';
import { formatReport } from '../server/report/format-report.js';
import { carelessIntegration, cleanIntegration } from '../server/test-support/journal-script.js';
import { parseReportArgs, reportOutcome, reportUrl, runReport, type ReportCommandOptions } from './report-command.js';

const BASE = ['--base-url', 'http://127.0.0.1:8080'];
const parsed = (args: string[], env: NodeJS.ProcessEnv = {}) => parseReportArgs([...BASE, ...args], env) as ReportCommandOptions;

describe('ai-market-sandbox report: flags', () => {
  afterEach(() => vi.restoreAllMocks());

  it('defaults to text and --fail-on error, and takes the base URL and token from the environment', () => {
    const options = parseReportArgs([], { AI_MARKET_BASE_URL: 'http://sandbox:8080/api/v1/', AI_MARKET_MOCK_CONTROL_TOKEN: 'secret-token-1' });
    expect(options).toEqual({ baseUrl: 'http://sandbox:8080', query: {}, format: 'text', failOn: 'error', junitPath: undefined, controlToken: 'secret-token-1' });
  });

  it('fetches the JSON report with the scope as query parameters', () => {
    const options = parsed(['--account', 'alice', '--key-prefix', 'mk_test_al', '--since', '2026-11-24T00:00:00Z', '--until', '1795564800000', '--format', 'junit']);
    expect(reportUrl(options)).toBe(
      'http://127.0.0.1:8080/_mock/report?account=alice&key_prefix=mk_test_al&since=2026-11-24T00%3A00%3A00Z&until=1795564800000&format=json',
    );
    expect(parsed(['--junit', 'out/report.xml', '--fail-on', 'warning'])).toMatchObject({ junitPath: resolve('out/report.xml'), failOn: 'warning' });
  });

  it.each([
    [[], /--base-url is required/],
    [['--base-url', 'ftp://x'], /--base-url must be an http\(s\) URL/],
    [[...BASE, '--format', 'html'], /--format must be one of json, text, junit, got 'html'/],
    [[...BASE, '--fail-on', 'fatal'], /--fail-on must be one of error, warning, info, got 'fatal'/],
    [[...BASE, '--since', 'yesterday'], /--since must be an ISO 8601 time .* got 'yesterday'/],
    [[...BASE, '--since', '2026-11-24T10:00:00Z', '--until', '2026-11-24T09:00:00Z'], /--until must not be before since/],
    [[...BASE, '--account', 'a b'], /--account must be 1-64 letters/],
    [[...BASE, '--junit', ''], /--junit must not be empty/],
    [[...BASE, '--verbose'], /Unknown option '--verbose'/],
  ])('%j: one line on stderr, exit code 2', async (args, message) => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    expect(await runReport(args, {})).toBe(2);
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(String(stderr.mock.calls[0]![0])).toMatch(message);
    expect(String(stderr.mock.calls[0]![0])).toMatch(/^ai-market-sandbox report: .*\(see --help\)\n$/);
  });

  it('prints its usage with --help, exit code 0', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    expect(await runReport(['--help'], {})).toBe(0);
    expect(String(stdout.mock.calls[0]![0])).toMatch(/--fail-on S/);
  });
});

describe('ai-market-sandbox report: outcome', () => {
  const LIVE = { rateLimit: 20, rateWindowSeconds: 60 };
  const careless = buildReport(carelessIntegration().entries, LIVE);
  const clean = buildReport(cleanIntegration().entries, LIVE);

  it('exits 1 on a finding at or above --fail-on, 0 below it', () => {
    expect(reportOutcome(careless, { format: 'text', failOn: 'error' }).exitCode).toBe(1);
    expect(reportOutcome(clean, { format: 'text', failOn: 'info' }).exitCode).toBe(0);
    const onlyWarnings = { ...careless, findings: careless.findings.filter((f) => f.severity === 'warning') };
    expect(reportOutcome(onlyWarnings, { format: 'text', failOn: 'error' }).exitCode).toBe(0);
    expect(reportOutcome(onlyWarnings, { format: 'text', failOn: 'warning' }).exitCode).toBe(1);
  });

  it('prints what the endpoint would answer in that format, and the JUnit file with the same threshold', () => {
    for (const format of ['text', 'json', 'junit'] as const) {
      expect(reportOutcome(careless, { format, failOn: 'warning' }).stdout).toBe(formatReport(careless, format, 'warning'));
    }
    const outcome = reportOutcome(careless, { format: 'text', failOn: 'warning', junitPath: '/tmp/r.xml' });
    expect(outcome.junit).toBe(formatReport(careless, 'junit', 'warning'));
    expect(reportOutcome(careless, { format: 'text', failOn: 'error' }).junit).toBeUndefined();
  });
});
