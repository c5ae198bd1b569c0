/**
 * What the client commands (`contract`, `journal`, `report`) share: strict flag parsing with
 * one-line usage errors, the --base-url and --control-token rules, the one place a usage error
 * becomes exit code 2 and --help the usage, and how a server they cannot reach is named.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** A wrong flag or value: the command prints its message on one line and exits 2. */
export class UsageError extends Error {}

/** node:util parseArgs, strict and without positionals; its long messages cut to their first sentence. */
export function parseFlags<T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs messages are long and mention internals; keep only the first sentence.
    throw new UsageError((error as Error).message.split('\n')[0]!.split('. ')[0]!.replace(/\.$/, ''));
  }
}

/** --base-url, else AI_MARKET_BASE_URL: an http(s) URL, returned without trailing slashes. */
export function baseUrlFlag(value: string | undefined, env: NodeJS.ProcessEnv): string {
  const baseUrl = value ?? env.AI_MARKET_BASE_URL;
  if (!baseUrl) throw new UsageError('--base-url is required (or set AI_MARKET_BASE_URL)');
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw new UsageError(`--base-url must be an http(s) URL, got '${baseUrl}'`);
  return baseUrl.replace(/\/+$/, '');
}

/**
 * The sandbox's origin for a command that talks to its control API (/_mock sits beside /api/v1):
 * --base-url as baseUrlFlag reads it, a base URL copied from the API settings (…/api/v1) too.
 */
export const sandboxOriginFlag = (value: string | undefined, env: NodeJS.ProcessEnv): string =>
  baseUrlFlag(value, env).replace(/\/api\/v1$/, '');

/** --control-token, else AI_MARKET_MOCK_CONTROL_TOKEN; undefined when neither is set, never empty. */
export function controlTokenFlag(value: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const token = value ?? env.AI_MARKET_MOCK_CONTROL_TOKEN;
  if (token !== undefined && token.trim() === '') throw new UsageError('--control-token must not be empty');
  return token;
}

/**
 * A command's options from its flag parser, or the exit code when the command is done already:
 * 2 after a usage error (one line on stderr), 0 after --help (the usage on stdout).
 *
 * @example
 *   const options = commandOptions('report', REPORT_USAGE, () => parseReportArgs(args, env));
 *   if (typeof options === 'number') return options;
 */
export function commandOptions<T>(command: string, usage: string, parse: () => T | 'help'): T | number {
  let options: T | 'help';
  try {
    options = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`ai-market-sandbox ${command}: ${error.message} (see --help)\n`);
    return 2;
  }
  if (options !== 'help') return options;
  process.stdout.write(usage);
  return 0;
}

/** Why a fetch could not reach a server, in one word where Node gives one (ECONNREFUSED). */
export function unreachableReason(error: unknown): string {
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
