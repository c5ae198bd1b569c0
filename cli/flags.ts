/** What the client commands (`contract`, `journal`) share in reading their flags. */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** A wrong flag or value: one line on stderr, exit code 2. */
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

/** --base-url, else AI_MARKET_BASE_URL: an http(s) URL, returned without a trailing slash. */
export function baseUrlFlag(value: string | undefined, env: NodeJS.ProcessEnv): string {
  const baseUrl = value ?? env.AI_MARKET_BASE_URL;
  if (!baseUrl) throw new UsageError('--base-url is required (or set AI_MARKET_BASE_URL)');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`--base-url must be an http(s) URL, got '${baseUrl}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--base-url must be an http(s) URL, got '${baseUrl}'`);
  return baseUrl.replace(/\/+$/, '');
}
