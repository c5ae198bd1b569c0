/**
 * The dry run: which cases would run against the configured target, the requests each needs,
 * how long that takes under the rate limit, and the most money it could spend. It sends nothing
 * to /api/v1. It asks GET /_mock/state once to tell a mock from the live API (unless the host or
 * AI_MARKET_TARGET already says); with --probe it also reads GET /products once (free) to price
 * the spending cases.
 *
 *   npx tsx contract-tests/dry-run.ts [--probe]
 */
import { pathToFileURL } from 'node:url';
import { CASES } from './cases/index.js';
import { formatUsdt, toMicros, type Micros } from './lib/money.js';
import { describeSpend, pacedCapacity, planRun, type PlanTarget } from './lib/plan.js';
import { PUBLIC_SPEC_PATH, readSettings, type SuiteSettings } from './lib/settings.js';
import { SpecValidator } from './lib/spec-validator.js';
import { detectTarget } from './lib/target.js';

export interface DryRunTarget extends PlanTarget {
  baseUrl: string;
  how: string;
  paceLimit: number;
  paceWindowSeconds: number;
}

const duration = (seconds: number): string =>
  seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;

/** The text of the dry run for a target; `cheapestPrice` prices the spending cases when known. */
export function renderDryRun(target: DryRunTarget, cheapestPrice?: Micros): string {
  const plan = planRun(CASES, target, cheapestPrice);
  const live = target.kind === 'live';
  const lines = [
    'AI-Market contract suite — dry run (nothing was sent to /api/v1)',
    `target   ${target.kind} at ${target.baseUrl} (${target.how})`,
  ];
  if (live) {
    lines.push(
      `settings key ${target.apiKey ? 'set' : 'NOT set'} · allowance ${target.allowSpend ? `${formatUsdt(target.allowSpend)} USDT` : 'none'} · ` +
        `rate-limit case ${target.liveRateLimitTest ? 'on' : 'off'} · paced at ${pacedCapacity(target.paceLimit)} requests per ` +
        `${target.paceWindowSeconds + 1} s (limit ${target.paceLimit} / ${target.paceWindowSeconds} s)`,
    );
  }
  lines.push('', `  ${'case'.padEnd(34)} ${'requests'.padStart(8)} ${'spend'.padStart(14)}  plan`);
  for (const row of plan.rows) {
    const units = live ? (row.entry.spendUnits ?? 0) : 0;
    const spend = !row.decision.run || units === 0 ? '-' : row.maxSpend !== undefined ? `${formatUsdt(row.maxSpend)} USDT` : `${units} units`;
    lines.push(
      `  ${row.entry.id.padEnd(34)} ${(row.decision.run ? String(row.requests) : '-').padStart(8)} ${spend.padStart(14)}  ` +
        (row.decision.run ? 'run' : `skip: ${row.decision.reason}`),
    );
  }
  const running = plan.rows.filter((r) => r.decision.run).length;
  lines.push(
    '',
    `cases    ${running} run, ${plan.rows.length - running} skipped (plus the sweep and the suite's self-tests, which send nothing to the target)`,
    `requests ${plan.requests} to the public API${live ? '' : ' (plus control API calls, which the mock does not limit)'}`,
    `time     ${live ? `about ${duration(plan.seconds)} under the rate limit (waits included), plus response times` : 'seconds: the mock is not paced; its clock is virtual'}`,
    `money    ${describeSpend(plan, target)}`,
  );
  if (live && (plan.rows.some((r) => r.decision.run && (r.entry.spendUnits ?? 0) > 0))) {
    lines.push('         spending cases that no longer fit the allowance are skipped at run time; the client refuses any purchase that would exceed it');
  }
  return `${lines.join('\n')}\n`;
}

async function cheapestInStock(baseUrl: string, apiKey: string): Promise<Micros | undefined> {
  const { method, path } = SpecValidator.fromFile(PUBLIC_SPEC_PATH).route('listProducts');
  const answer = await fetch(`${baseUrl}${path}`, { method, headers: { 'X-API-Key': apiKey }, signal: AbortSignal.timeout(10_000) });
  if (!answer.ok) throw new Error(`GET /products answered ${answer.status}`);
  const { products } = (await answer.json()) as { products: { price: number; in_stock: boolean }[] };
  const prices = products.filter((p) => p.in_stock && p.price > 0).map((p) => toMicros(p.price));
  return prices.length ? Math.min(...prices) : undefined;
}

export async function dryRun(settings: SuiteSettings, probe: boolean): Promise<string> {
  if (!settings.baseUrl) {
    return renderDryRun({
      kind: 'mock',
      baseUrl: '(a mock the suite starts on a free port)',
      how: 'AI_MARKET_BASE_URL is not set',
      apiKey: null,
      allowSpend: null,
      liveRateLimitTest: settings.liveRateLimitTest,
      paceLimit: settings.paceLimit,
      paceWindowSeconds: settings.paceWindowSeconds,
    });
  }
  const detection = await detectTarget(settings.baseUrl, settings);
  const live = detection.kind === 'live';
  const cheapest = probe && live && settings.apiKey ? await cheapestInStock(settings.baseUrl, settings.apiKey) : undefined;
  return renderDryRun(
    {
      kind: detection.kind,
      baseUrl: settings.baseUrl,
      how: detection.how,
      apiKey: live ? (settings.apiKey ?? null) : null,
      allowSpend: live ? (settings.allowSpend ?? 0) : null,
      liveRateLimitTest: settings.liveRateLimitTest,
      paceLimit: settings.paceLimit,
      paceWindowSeconds: settings.paceWindowSeconds,
    },
    cheapest,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  dryRun(readSettings(process.env), process.argv.includes('--probe')).then(
    (text) => process.stdout.write(text),
    (error: unknown) => {
      process.stderr.write(`dry run: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
