/**
 * Runs once before the test files: finds (or starts) the target, decides mock or live, opens a
 * fresh run ledger and hands the target to every worker. Without AI_MARKET_BASE_URL it starts this
 * repository's mock on a free port with an in-memory database and stops it afterwards.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { formatUsdt } from './money.js';
import { createFileLedger } from './run-ledger.js';
import { readSettings } from './settings.js';
import { spawnSandbox, type SpawnedSandbox } from './spawn-sandbox.js';
import { detectTarget, type TargetInfo } from './target.js';

export const LEDGER_FILE = 'contract-ledger.json';
export const TARGET_FILE = 'contract-target.json';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const settings = readSettings(process.env);
  let mock: SpawnedSandbox | undefined;
  let baseUrl = settings.baseUrl;
  if (!baseUrl) {
    // Its defaults (20 requests per 60 s, an open control API), whatever AI_MARKET_MOCK_* the shell sets;
    // but a 1 s headers timeout, so the HTTP-layer case's stalled request is answered at once.
    mock = await spawnSandbox({ db: ':memory:', args: ['--headers-timeout-ms', '1000'] });
    baseUrl = mock.baseUrl;
  }
  try {
    const detection = await detectTarget(baseUrl, settings);
    const live = detection.kind === 'live';
    mkdirSync(settings.reportsDir, { recursive: true });
    const ledgerPath = join(settings.reportsDir, LEDGER_FILE);
    createFileLedger(ledgerPath, live ? (settings.allowSpend ?? 0) : null);
    const target: TargetInfo = {
      kind: detection.kind,
      baseUrl,
      description: mock
        ? `the mock started by the suite (${baseUrl}, in-memory state)`
        : `${live ? (settings.targetMode === 'live' ? 'a server posing as live' : 'the live API') : 'a mock'} at ${baseUrl}: ${detection.how}`,
      startedBySuite: mock !== undefined,
      posingAsLive: live && settings.targetMode === 'live',
      apiKey: live ? (settings.apiKey ?? null) : null,
      controlToken: settings.controlToken ?? null,
      allowSpend: live ? (settings.allowSpend ?? 0) : null,
      liveRateLimitTest: settings.liveRateLimitTest,
      paceLimit: settings.paceLimit,
      paceWindowSeconds: settings.paceWindowSeconds,
      ledgerPath,
      reportsDir: settings.reportsDir,
    };
    const { apiKey: _key, controlToken: _token, ...shareable } = target;
    writeFileSync(join(settings.reportsDir, TARGET_FILE), JSON.stringify(shareable, null, 2));
    project.provide('contractTarget', target);
    console.log(
      `[contract] target: ${target.kind} — ${target.description}` +
        (live
          ? `\n[contract] live safety: key ${target.apiKey ? 'set' : 'not set'}, ` +
            `spend allowance ${target.allowSpend ? `${formatUsdt(target.allowSpend)} USDT` : 'none (no case spends money)'}, ` +
            `paced under ${settings.paceLimit} requests / ${settings.paceWindowSeconds} s, ` +
            `rate-limit case ${settings.liveRateLimitTest ? 'on' : 'off'}`
          : ''),
    );
  } catch (error) {
    await stopMock(mock);
    throw error;
  }
  return () => stopMock(mock);
}

async function stopMock(mock: SpawnedSandbox | undefined): Promise<void> {
  if (!mock) return;
  try {
    await mock.stop('SIGTERM', 5_000);
  } catch {
    mock.kill();
  }
}
