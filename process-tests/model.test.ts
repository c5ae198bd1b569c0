/**
 * Model-based test: fast-check generates sequences of operations — purchases with and without
 * Idempotency-Keys (new, replayed, reused with another body), bad and missing keys, top-ups,
 * suspensions, restocks, clock moves, resets — and plays them in parallel batches against one
 * server, then against three processes on one database file. Every answer must be one the
 * reference model (model/sandbox-model.ts) predicts for some serial order of its batch, and the
 * final state must be the model's to the micro-unit: wallets, stock, orders and their codes, no
 * code delivered twice, every 402/409/429 where the model says.
 *
 * The seed is printed; FC_SEED=<seed> (and FC_PATH=<path> from a failure report) replays a run.
 * MODEL_RUNS sets the runs per topology (default 20, 250 operations each: 10,000 in all).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';
import { MODEL_RATE_LIMIT, MODEL_RATE_WINDOW_SECONDS, newTally, playRun, runArbitrary } from './model/model-run.js';

const RUNS = Number(process.env.MODEL_RUNS ?? 20);
const OPERATIONS_PER_RUN = 250;
const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
const path = process.env.FC_PATH;
console.log(`[model] fast-check seed ${seed}${path ? `, path ${path}` : ''} (replay: FC_SEED=${seed}${path ? ` FC_PATH=${path}` : ''})`);

const dir = mkdtempSync(join(tmpdir(), 'model-'));
const started: SpawnedSandbox[] = [];
const tally = newTally();
afterAll(() => {
  for (const server of started) server.kill();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `[model] ${tally.operations} operations in ${tally.batches} batches, ${tally.codes.size} codes delivered, ` +
      `at most ${tally.maxStates} model states possible at once, refusals ${JSON.stringify(tally.refusals)}`,
  );
});

async function servers(count: number, db: string): Promise<string[]> {
  const first = await spawnSandbox({ db });
  started.push(first);
  const rest = await Promise.all(Array.from({ length: count - 1 }, () => spawnSandbox({ db })));
  started.push(...rest);
  const bases = [first, ...rest].map((s) => s.baseUrl);
  const settings = await fetch(`${bases[0]}/_mock/settings`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ rate_limit: MODEL_RATE_LIMIT, rate_window_seconds: MODEL_RATE_WINDOW_SECONDS, idempotency_reuse: 'reject' }),
  });
  expect(settings.status).toBe(200);
  // The model has no fault rules: none may be in force (the fixture of every run adds none either).
  expect((await fetch(`${bases[0]}/_mock/faults`, { method: 'DELETE' })).status).toBe(200);
  return bases;
}

async function check(bases: string[]) {
  const before = tally.operations;
  await fc.assert(
    fc.asyncProperty(runArbitrary(bases.length, OPERATIONS_PER_RUN), ([ops, sizes]) => playRun(bases, ops, sizes, tally)),
    // A failure is reported as found: shrinking replays runs against live servers, and a race seldom shrinks.
    { seed, path, numRuns: path ? 1 : RUNS, endOnFailure: true },
  );
  return tally.operations - before;
}

describe('the sandbox against its model, in parallel batches', () => {
  it('one server', { timeout: 300_000 }, async () => {
    const played = await check(await servers(1, join(dir, 'one.sqlite')));
    expect(played).toBeGreaterThanOrEqual(RUNS * OPERATIONS_PER_RUN);
  });

  it('three processes on one database file', { timeout: 300_000 }, async () => {
    const played = await check(await servers(3, join(dir, 'shared.sqlite')));
    expect(played).toBeGreaterThanOrEqual(RUNS * OPERATIONS_PER_RUN);
  });
});
