/** `ai-market-sandbox contract` against a port where nothing listens: one line, exit code 1. */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runContract } from '../cli/contract-command.js';

/** A port where nothing listens: bound, then released. */
const deadPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('ai-market-sandbox contract', () => {
  afterEach(() => vi.restoreAllMocks());

  it('says so when nothing answers at the URL, exit code 1', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const port = await deadPort();
    expect(await runContract(['--base-url', `http://127.0.0.1:${port}`], {})).toBe(1);
    expect(String(stderr.mock.calls[0]![0])).toMatch(new RegExp(`cannot reach http://127.0.0.1:${port}: ECONNREFUSED`));
  });
});
