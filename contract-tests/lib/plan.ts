/**
 * Which cases run against a target, and why the others do not. The test wrapper, the dry run and
 * the live-safety self-tests all decide through `decide`, so what the dry run promises is what runs.
 */
import { requestsOf, type ContractCase } from './contract-case.js';
import { formatUsdt, times, type Micros } from './money.js';
import type { TargetInfo } from './target.js';

export type Decision = { run: true } | { run: false; reason: string };

export type PlanTarget = Pick<TargetInfo, 'kind' | 'apiKey' | 'allowSpend' | 'liveRateLimitTest'>;

/** What deciding and planning read of a case: everything but its body. */
export type CasePlan = Omit<ContractCase, 'run'>;

/** The reasons that do not depend on the server's answers. */
export function decide(entry: CasePlan, target: PlanTarget): Decision {
  if (target.kind === 'mock') return { run: true };
  if (entry.mockOnly) return { run: false, reason: `mock only: ${entry.mockOnly}` };
  if (entry.liveOptIn === 'rate-limit' && !target.liveRateLimitTest) {
    return { run: false, reason: 'trips the live rate limit on purpose: set AI_MARKET_LIVE_RATE_LIMIT_TEST=1 to run it' };
  }
  if (entry.needsKey !== false && !target.apiKey) return { run: false, reason: 'needs a live account: set AI_MARKET_API_KEY' };
  if ((entry.spendUnits ?? 0) > 0 && !target.allowSpend) {
    return {
      run: false,
      reason: `spends money (up to ${entry.spendUnits} × the cheapest product): set AI_MARKET_ALLOW_SPEND=<max USDT> to allow`,
    };
  }
  return { run: true };
}

export interface PlanRow {
  entry: CasePlan;
  decision: Decision;
  /** Most public-API requests it sends (under the limit the client paces at). */
  requests: number;
  /** Worst-case spend in micros, when the cheapest price is known. */
  maxSpend: Micros | undefined;
}

export interface Plan {
  rows: PlanRow[];
  requests: number;
  /** Seconds a live run needs under the pacing (0 on the mock: it is not paced). */
  seconds: number;
  /** Worst-case total spend (capped by the allowance), when the cheapest price is known. */
  maxSpend: Micros | undefined;
  spendUnits: number;
}

/** Requests per window the client allows itself (the pacer keeps 10 % in reserve). */
export const pacedCapacity = (limit: number): number => Math.max(1, limit - Math.max(1, Math.floor(limit / 10)));

/** Generous on live (pacing waits are real), tight on the mock. */
export function timeoutFor(entry: CasePlan, target: Pick<TargetInfo, 'kind' | 'paceLimit' | 'paceWindowSeconds'>): number {
  if (target.kind === 'mock') return 30_000;
  const windows = Math.ceil(requestsOf(entry, target.paceLimit) / pacedCapacity(target.paceLimit)) + 1;
  return (windows * (target.paceWindowSeconds + 1) + (entry.waitSeconds ?? 0) + 60) * 1000;
}

/**
 * @example
 *   const plan = planRun(CASES, target, 100_000); // cheapest product 0.10 USDT
 *   console.log(plan.requests, plan.seconds, plan.maxSpend);
 */
export function planRun(
  entries: readonly CasePlan[],
  target: PlanTarget & Pick<TargetInfo, 'paceLimit' | 'paceWindowSeconds'>,
  cheapestPrice?: Micros,
): Plan {
  const rows = entries.map((entry) => {
    const decision = decide(entry, target);
    const units = decision.run && target.kind === 'live' ? (entry.spendUnits ?? 0) : 0;
    return {
      entry,
      decision,
      requests: requestsOf(entry, target.paceLimit),
      maxSpend: cheapestPrice === undefined ? undefined : times(cheapestPrice, units),
    };
  });
  const running = rows.filter((r) => r.decision.run);
  const requests = running.reduce((sum, r) => sum + r.requests, 0);
  const spendUnits = target.kind === 'live' ? running.reduce((sum, r) => sum + (r.entry.spendUnits ?? 0), 0) : 0;
  let seconds = 0;
  if (target.kind === 'live') {
    const capacity = pacedCapacity(target.paceLimit);
    const windows = Math.max(0, Math.ceil(requests / capacity) - 1);
    seconds = windows * (target.paceWindowSeconds + 1) + running.reduce((sum, r) => sum + (r.entry.waitSeconds ?? 0), 0);
  }
  let maxSpend: Micros | undefined;
  if (cheapestPrice !== undefined) maxSpend = Math.min(times(cheapestPrice, spendUnits), target.allowSpend ?? 0);
  return { rows, requests, seconds, maxSpend, spendUnits };
}

export function describeSpend(plan: Plan, target: PlanTarget): string {
  if (target.kind === 'mock') return 'nothing real (the mock wallet is play money)';
  if (!target.allowSpend) return '0 USDT (AI_MARKET_ALLOW_SPEND is not set: no case spends money)';
  const cap = `AI_MARKET_ALLOW_SPEND=${formatUsdt(target.allowSpend)}`;
  if (plan.maxSpend !== undefined) return `at most ${formatUsdt(plan.maxSpend)} USDT (${plan.spendUnits} units of the cheapest product, capped by ${cap})`;
  return `at most ${plan.spendUnits} × the cheapest in-stock product's price, never more than ${formatUsdt(target.allowSpend)} USDT (${cap})`;
}
