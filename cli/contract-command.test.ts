import { afterEach, describe, expect, it, vi } from 'vitest';
import { runContract } from './contract-command.js';

// Refused before anything is sent; the run against a URL where nothing answers is in
// process-tests/client-commands-unreachable.test.ts (it opens a socket).
describe('ai-market-sandbox contract', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    [[], /--base-url is required/],
    [['--base-url', 'ftp://x'], /must be an http\(s\) URL/],
    [['--base-url', 'http://127.0.0.1:1', '--allow-spend', 'lots'], /--allow-spend must be a non-negative USDT amount/],
    [['--base-url', 'http://127.0.0.1:1', '--verbose'], /Unknown option '--verbose'/],
  ])('%j: one line on stderr, exit code 2', async (args, message) => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    expect(await runContract(args, {})).toBe(2);
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(String(stderr.mock.calls[0]![0])).toMatch(message);
  });
});
