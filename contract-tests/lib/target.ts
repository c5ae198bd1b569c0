/**
 * Which server the suite is judging. A mock answers its control API (GET /_mock/state); anything
 * else is treated as the live API, with every live-safety rule on. AI_MARKET_TARGET=live makes a
 * mock pose as live (the suite then never touches /_mock), which is how live safety is tested.
 */
import type { Micros } from './money.js';
import { SettingsError, type SuiteSettings } from './settings.js';

export interface TargetInfo {
  kind: 'mock' | 'live';
  baseUrl: string;
  /** One line for humans: what this target is and how it was found. */
  description: string;
  startedBySuite: boolean;
  posingAsLive: boolean;
  apiKey: string | null;
  controlToken: string | null;
  /** Spending cap on a live target (0 when AI_MARKET_ALLOW_SPEND is unset); null on the mock. */
  allowSpend: Micros | null;
  liveRateLimitTest: boolean;
  paceLimit: number;
  paceWindowSeconds: number;
  ledgerPath: string;
  reportsDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    contractTarget: TargetInfo;
  }
}

const LIVE_HOSTS = /(^|\.)ai-market\.store$/i;

export type Detection = { kind: 'mock' | 'live'; how: string };

/**
 * @example
 *   const { kind } = await detectTarget('http://127.0.0.1:8080', settings); // 'mock'
 */
export async function detectTarget(baseUrl: string, settings: Pick<SuiteSettings, 'targetMode' | 'controlToken'>): Promise<Detection> {
  if (settings.targetMode === 'live') return { kind: 'live', how: 'AI_MARKET_TARGET=live (control API ignored)' };
  if (LIVE_HOSTS.test(new URL(baseUrl).hostname)) {
    if (settings.targetMode === 'mock') throw new SettingsError(`${baseUrl} is the live API, not a mock (AI_MARKET_TARGET=mock)`);
    return { kind: 'live', how: 'the live API host' };
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (settings.controlToken) headers.Authorization = `Bearer ${settings.controlToken}`;
  let status: number;
  let text: string;
  try {
    const answer = await fetch(`${baseUrl}/_mock/state`, { headers, signal: AbortSignal.timeout(10_000) });
    status = answer.status;
    text = await answer.text();
  } catch (error) {
    throw new SettingsError(`cannot reach ${baseUrl}: ${(error as Error).message}`);
  }
  if (status === 200) return { kind: 'mock', how: 'its control API answered GET /_mock/state' };
  if (status === 401 && text.includes('CONTROL_UNAUTHORIZED')) {
    throw new SettingsError(
      `${baseUrl} is a mock whose control API is locked; set AI_MARKET_MOCK_CONTROL_TOKEN to its token ` +
        `(or AI_MARKET_TARGET=live to test it as if it were the live API)`,
    );
  }
  if (settings.targetMode === 'mock') {
    throw new SettingsError(`${baseUrl} has no control API (GET /_mock/state answered ${status}) but AI_MARKET_TARGET=mock`);
  }
  return { kind: 'live', how: `no control API (GET /_mock/state answered ${status})` };
}
