/** `ai-market-sandbox contract` and `report` against a port where nothing listens: one line, exit code 1. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runContract } from '../cli/contract-command.js';
import { runReport } from '../cli/report-command.js';
import { deadPort } from './support/dead-port.js';

describe.each([
  ['contract', runContract],
  ['report', runReport],
])('ai-market-sandbox %s', (_, run) => {
  afterEach(() => vi.restoreAllMocks());

  it('says so when nothing answers at the URL, exit code 1', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const port = await deadPort();
    expect(await run(['--base-url', `http://127.0.0.1:${port}`], {})).toBe(1);
    expect(String(stderr.mock.calls[0]![0])).toMatch(new RegExp(`cannot reach http://127.0.0.1:${port}: ECONNREFUSED`));
  });
});
