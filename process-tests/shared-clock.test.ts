/**
 * Three server processes on one database file move one virtual clock. Each advance is a
 * read-modify-write of the stored offset; done outside a transaction, two processes read the same
 * offset and one advance is lost. Sixty concurrent one-second advances spread across the three
 * must move the clock by exactly sixty seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';

let dir: string;
let servers: SpawnedSandbox[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shared-clock-'));
  const db = join(dir, 'shared.sqlite');
  // One seeds the new file first; the other two join it.
  servers = [await spawnSandbox({ db })];
  const more = await Promise.allSettled([spawnSandbox({ db }), spawnSandbox({ db })]);
  servers.push(...more.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
  for (const s of more) if (s.status === 'rejected') throw s.reason;
});

afterAll(() => {
  for (const server of servers) server.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const offset = async (server: SpawnedSandbox) => ((await (await fetch(`${server.baseUrl}/_mock/clock`)).json()) as { offset_seconds: number }).offset_seconds;

describe('one virtual clock shared by three processes', () => {
  it('60 concurrent advances of 1 s spread across the processes move it by exactly 60 s', async () => {
    const before = await offset(servers[0]!);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        fetch(`${servers[i % servers.length]!.baseUrl}/_mock/clock/advance`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ seconds: 1 }),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(60).fill(200));
    // Each answer shows the clock after its own advance: sixty different offsets, one per advance.
    const seen = await Promise.all(answers.map(async (a) => ((await a.json()) as { offset_seconds: number }).offset_seconds));
    expect(new Set(seen).size).toBe(60);
    for (const server of servers) expect(await offset(server)).toBe(before + 60);
  });
});
