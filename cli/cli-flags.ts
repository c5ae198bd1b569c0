/** What the commands share when reading their flags: one-line usage errors and the --base-url rule. */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** A wrong flag or value: the command prints its message on one line and exits 2. */
export class UsageError extends Error {}

/** node:util parseArgs, strict, no positionals; its long messages cut to their first sentence. */
export function parseFlags<T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.split('. ')[0]!.replace(/\.$/, ''));
  }
}

/** The --base-url flag, or AI_MARKET_BASE_URL: an http(s) URL, without trailing slashes. */
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
 * A command's options from its flag parser, or the exit code when the command is done already:
 * 2 after a usage error (one line on stderr), 0 after --help (the usage on stdout).
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
