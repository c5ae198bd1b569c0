import { afterEach, describe, expect, it, vi } from 'vitest';
import { deadPort } from '../server/test-support/dead-port.js';
import { runContract } from './contract-command.js';

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

  it('says so when nothing answers at the URL, exit code 1', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const port = await deadPort();
    expect(await runContract(['--base-url', `http://127.0.0.1:${port}`], {})).toBe(1);
    expect(String(stderr.mock.calls[0]![0])).toMatch(new RegExp(`cannot reach http://127.0.0.1:${port}: ECONNREFUSED`));
  });
});
