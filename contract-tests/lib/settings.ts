/**
 * Everything the suite reads from the environment, parsed once. Nothing else in contract-tests/
 * looks at process.env, so the dry run, the global setup and the self-tests agree on one meaning.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseUsdt, type Micros } from './money.js';

/** The repository (or installed package) root: contract-tests/ sits directly inside it. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PUBLIC_SPEC_PATH = join(PROJECT_ROOT, 'spec', 'openapi.yaml');
export const CONTROL_SPEC_PATH = join(PROJECT_ROOT, 'spec', 'control-openapi.yaml');

/** The documented limit of the live API: 20 requests per 60 seconds. */
export const DOCUMENTED_RATE_LIMIT = 20;
export const DOCUMENTED_RATE_WINDOW_SECONDS = 60;

export type TargetMode = 'auto' | 'mock' | 'live';

export interface SuiteSettings {
  /** Without /api/v1 and without a trailing slash; undefined: the suite starts its own mock. */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  controlToken: string | undefined;
  /** `live` makes the suite ignore a control API (a mock posing as the live API). */
  targetMode: TargetMode;
  /** Most USDT the suite may spend on a live account; undefined: spend nothing. */
  allowSpend: Micros | undefined;
  liveRateLimitTest: boolean;
  /** The limit the client paces itself under on a live target. */
  paceLimit: number;
  paceWindowSeconds: number;
  reportsDir: string;
  junitPath: string;
  skipSelfTests: boolean;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]{0,5}$/.test(raw)) throw new SettingsError(`${name} must be a whole number ≥ 1, got '${raw}'`);
  return Number(raw);
}

function flag(raw: string | undefined): boolean {
  return raw !== undefined && /^(1|true|yes)$/i.test(raw);
}

/** Accepts the base with or without the /api/v1 suffix the API documentation uses. */
export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingsError(`AI_MARKET_BASE_URL must be an http(s) URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(`AI_MARKET_BASE_URL must be an http(s) URL, got '${raw}'`);
  }
  return url.toString().replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}

/**
 * @example
 *   const settings = readSettings(process.env);
 *   if (settings.allowSpend === undefined) console.log('no case spends money');
 */
export function readSettings(env: NodeJS.ProcessEnv): SuiteSettings {
  const baseUrl = env.AI_MARKET_BASE_URL ? normaliseBaseUrl(env.AI_MARKET_BASE_URL) : undefined;
  const targetMode = (env.AI_MARKET_TARGET ?? 'auto').toLowerCase();
  if (targetMode !== 'auto' && targetMode !== 'mock' && targetMode !== 'live') {
    throw new SettingsError(`AI_MARKET_TARGET must be auto, mock or live, got '${env.AI_MARKET_TARGET}'`);
  }
  let allowSpend: Micros | undefined;
  if (env.AI_MARKET_ALLOW_SPEND !== undefined && env.AI_MARKET_ALLOW_SPEND !== '') {
    try {
      allowSpend = parseUsdt(env.AI_MARKET_ALLOW_SPEND);
    } catch {
      throw new SettingsError(
        `AI_MARKET_ALLOW_SPEND must be a USDT amount with at most 6 decimals, got '${env.AI_MARKET_ALLOW_SPEND}'`,
      );
    }
  }
  const junitFromEnv = env.AI_MARKET_JUNIT_PATH;
  const reportsDir = env.AI_MARKET_REPORTS_DIR
    ? resolve(env.AI_MARKET_REPORTS_DIR)
    : junitFromEnv
      ? dirname(resolve(junitFromEnv))
      : join(PROJECT_ROOT, 'reports');
  const junitPath = junitFromEnv
    ? isAbsolute(junitFromEnv)
      ? junitFromEnv
      : resolve(junitFromEnv)
    : join(reportsDir, 'contract-junit.xml');
  return {
    baseUrl,
    apiKey: env.AI_MARKET_API_KEY || undefined,
    controlToken: env.AI_MARKET_MOCK_CONTROL_TOKEN || undefined,
    targetMode,
    allowSpend,
    liveRateLimitTest: flag(env.AI_MARKET_LIVE_RATE_LIMIT_TEST),
    paceLimit: positiveInt('AI_MARKET_PACE_LIMIT', env.AI_MARKET_PACE_LIMIT, DOCUMENTED_RATE_LIMIT),
    paceWindowSeconds: positiveInt('AI_MARKET_PACE_WINDOW', env.AI_MARKET_PACE_WINDOW, DOCUMENTED_RATE_WINDOW_SECONDS),
    reportsDir,
    junitPath,
    skipSelfTests: flag(env.AI_MARKET_SKIP_SELF_TESTS),
  };
}
