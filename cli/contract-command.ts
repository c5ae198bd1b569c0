import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { baseUrlFlag, commandOptions, parseFlags, unreachableReason, UsageError } from './flags.js';
import { PACKAGE_ROOT } from './package-info.js';

export const CONTRACT_USAGE = `Usage: ai-market-sandbox contract --base-url URL [options]

Runs the contract suite (every response judged against spec/openapi.yaml) against a running
AI-Market server: this mock (local, in a container) or the live API. Exit code 0 when every case
passes, 1 when one fails, 2 on a wrong flag.

Options:
  --base-url URL      server to test, e.g. http://127.0.0.1:8080 (env AI_MARKET_BASE_URL)
  --api-key KEY       API key for a live account (env AI_MARKET_API_KEY); the mock needs none
  --allow-spend N     most USDT the suite may spend on a live account (env AI_MARKET_ALLOW_SPEND;
                      default 0: no case spends money)
  --control-token T   bearer token of a mock whose control API is locked
                      (env AI_MARKET_MOCK_CONTROL_TOKEN)
  --junit PATH        where to write the JUnit XML report (default reports/contract-junit.xml);
                      the one-screen summary is written beside it
  -h, --help          show this screen
`;

interface ContractOptions {
  baseUrl: string;
  apiKey?: string;
  allowSpend?: string;
  controlToken?: string;
  junitPath: string;
}

/** Reads the flags; throws UsageError with a one-line message on anything wrong. */
function parseContractArgs(args: string[], env: NodeJS.ProcessEnv): ContractOptions | 'help' {
  const values = parseFlags(args, {
    'base-url': { type: 'string' },
    'api-key': { type: 'string' },
    'allow-spend': { type: 'string' },
    'control-token': { type: 'string' },
    junit: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';

  const baseUrl = baseUrlFlag(values['base-url'], env);
  const allowSpend = values['allow-spend'];
  if (allowSpend !== undefined && !/^\d+(\.\d{1,6})?$/.test(allowSpend)) {
    throw new UsageError(`--allow-spend must be a non-negative USDT amount, got '${allowSpend}'`);
  }
  const apiKey = values['api-key'];
  if (apiKey !== undefined && apiKey.trim() === '') throw new UsageError('--api-key must not be empty');
  const controlToken = values['control-token'];
  if (controlToken !== undefined && controlToken.trim() === '') throw new UsageError('--control-token must not be empty');
  if (values.junit !== undefined && values.junit.trim() === '') throw new UsageError('--junit must not be empty');

  return {
    baseUrl,
    apiKey,
    allowSpend,
    controlToken,
    // Resolved against the caller's directory: the package itself may sit read-only in node_modules.
    junitPath: resolve(values.junit ?? join('reports', 'contract-junit.xml')),
  };
}

/** Undefined when the server answers anything at all (any status); else why it could not be reached. */
async function probe(baseUrl: string): Promise<string | undefined> {
  try {
    await fetch(baseUrl, { signal: AbortSignal.timeout(10_000) });
    return undefined;
  } catch (error) {
    return unreachableReason(error);
  }
}

/** vitest's CLI from this package's own dependencies, not whatever `vitest` is on PATH. */
function resolveVitestBin(packageRoot: string): string {
  const require = createRequire(join(packageRoot, 'package.json'));
  const manifestPath = require.resolve('vitest/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.vitest;
  if (!bin) throw new Error('vitest declares no bin');
  return join(dirname(manifestPath), bin);
}

/**
 * The `contract` command: runs the package's contract suite against a base URL with the vitest it
 * ships with. Returns the process exit code: 0 all passed, 1 a case failed (or vitest could not
 * run), 2 a wrong flag.
 *
 * @example
 *   process.exitCode = await runContract(['--base-url', 'http://127.0.0.1:8080']);
 */
export async function runContract(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = commandOptions('contract', CONTRACT_USAGE, () => parseContractArgs(args, env));
  if (typeof options === 'number') return options;

  // A server that cannot be reached would otherwise surface as vitest's "No test files found".
  const unreachable = await probe(options.baseUrl);
  if (unreachable) {
    process.stderr.write(`ai-market-sandbox contract: cannot reach ${options.baseUrl}: ${unreachable}\n`);
    return 1;
  }

  const packageRoot = PACKAGE_ROOT;
  let vitestBin: string;
  try {
    vitestBin = resolveVitestBin(packageRoot);
  } catch (error) {
    process.stderr.write(`ai-market-sandbox contract: ${(error as Error).message}\n`);
    return 1;
  }

  // The names contract-tests/lib/settings.ts reads. The suite's self-tests check the suite itself
  // (they start deliberately broken servers); a user checking a server does not need them.
  const childEnv: NodeJS.ProcessEnv = {
    AI_MARKET_SKIP_SELF_TESTS: '1',
    ...env,
    AI_MARKET_BASE_URL: options.baseUrl,
    AI_MARKET_JUNIT_PATH: options.junitPath,
  };
  if (options.apiKey !== undefined) childEnv.AI_MARKET_API_KEY = options.apiKey;
  if (options.allowSpend !== undefined) childEnv.AI_MARKET_ALLOW_SPEND = options.allowSpend;
  if (options.controlToken !== undefined) childEnv.AI_MARKET_MOCK_CONTROL_TOKEN = options.controlToken;

  // The runner config loader reads vitest.config.ts in memory; the default bundler writes a temporary
  // file beside it, which fails where the package is read-only (the image, a global install as root).
  const vitestArgs = [vitestBin, 'run', '--config', join(packageRoot, 'contract-tests', 'vitest.config.ts'), '--configLoader', 'runner'];
  const startedAt = Date.now();
  const code = await new Promise<number>((resolveCode) => {
    const child = spawn(process.execPath, vitestArgs, { cwd: packageRoot, env: childEnv, stdio: 'inherit' });
    child.on('error', (error) => {
      process.stderr.write(`ai-market-sandbox contract: cannot start vitest: ${error.message}\n`);
      resolveCode(1);
    });
    child.on('exit', (exitCode, signal) => resolveCode(exitCode === 0 && !signal ? 0 : 1));
  });

  // Only a report this run wrote counts; an old file at the same path would mislead a CI job.
  const report = statSync(options.junitPath, { throwIfNoEntry: false });
  if (report && report.mtimeMs >= startedAt - 1000) process.stdout.write(`JUnit report: ${options.junitPath}\n`);
  else process.stderr.write(`ai-market-sandbox contract: no JUnit report was written to ${options.junitPath}\n`);
  return code;
}
