/**
 * Live safety, proven without the live API: the run/skip rules, the money guard, and whole nested
 * runs of the suite against this run's mock posing as live (AI_MARKET_TARGET=live: the control API
 * is ignored, every live rule applies). The mock's own state then shows what was really spent.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { renderDryRun } from '../dry-run.js';
import { CASES } from '../cases/index.js';
import { ControlClient } from '../lib/control-client.js';
import { formatUsdt, parseUsdt, toMicros, type Micros } from '../lib/money.js';
import { decide, planRun, type CasePlan, type PlanTarget } from '../lib/plan.js';
import { PROJECT_ROOT } from '../lib/settings.js';
import { BudgetExceededError } from '../lib/spend-book.js';
import type { SummaryData } from '../lib/summary-reporter.js';
import { controlSpec, liveKit, liveTarget } from './self-test-kit.js';

const live = (over: Partial<PlanTarget> = {}): PlanTarget => ({ kind: 'live', apiKey: 'mk_live', allowSpend: 0, liveRateLimitTest: false, ...over });
const spends = (e: CasePlan) => (e.spendUnits ?? 0) > 0;

describe('live safety: which cases run', () => {
  it('on the mock everything runs', () => {
    for (const entry of CASES) expect(decide(entry, { ...live(), kind: 'mock' })).toEqual({ run: true });
  });

  it('without AI_MARKET_ALLOW_SPEND no case that spends runs, and the reason says how to allow it', () => {
    expect(CASES.some(spends)).toBe(true);
    for (const entry of CASES.filter((e) => spends(e) && !e.mockOnly)) {
      const decision = decide(entry, live());
      expect(decision.run, entry.id).toBe(false);
      if (!decision.run) expect(decision.reason).toMatch(/AI_MARKET_ALLOW_SPEND=<max USDT>/);
    }
    expect(decide(CASES.find((e) => e.id === 'purchase.ok')!, live({ allowSpend: 1 }))).toEqual({ run: true });
  });

  it('cases needing state only the bot can make never run on live', () => {
    const mockOnly = CASES.filter((e) => e.mockOnly);
    expect(mockOnly.map((e) => e.id)).toEqual(expect.arrayContaining(['auth.suspended', 'auth.revoked-key', 'concurrency.low-stock']));
    for (const entry of mockOnly) {
      const decision = decide(entry, live({ allowSpend: 1_000_000_000, liveRateLimitTest: true }));
      expect(decision).toEqual({ run: false, reason: `mock only: ${entry.mockOnly}` });
    }
  });

  it('the rate-limit case runs on live only when asked', () => {
    const entry = CASES.find((e) => e.id === 'rate-limit.window')!;
    expect(decide(entry, live()).run).toBe(false);
    expect(decide(entry, live({ liveRateLimitTest: true })).run).toBe(true);
  });

  it('without a key only the auth-failure cases run', () => {
    const running = CASES.filter((e) => decide(e, live({ apiKey: null, allowSpend: 1_000_000_000 })).run).map((e) => e.id);
    expect(running.sort()).toEqual(['auth.invalid-key', 'auth.no-key']);
  });

  it('the dry run shows what would run, the requests, the time under the limit and the money', () => {
    const target = { ...live({ allowSpend: 2_000_000 }), baseUrl: 'https://api.ai-market.store', how: 'test', paceLimit: 20, paceWindowSeconds: 60 };
    const plan = planRun(CASES, target, 100_000);
    const text = renderDryRun(target, 100_000);
    expect(text).toMatch(/purchase\.ok\s+4\s+0\.1 USDT\s+run/);
    expect(text).toMatch(/auth\.suspended\s+-\s+-\s+skip: mock only/);
    expect(text).toMatch(/rate-limit\.window\s+-\s+-\s+skip: trips the live rate limit on purpose/);
    expect(text).toContain(`requests ${plan.requests} to the public API`);
    // 18 requests per 61 s window; the first window is free.
    expect(plan.seconds).toBe((Math.ceil(plan.requests / 18) - 1) * 61);
    expect(plan.maxSpend).toBe(Math.min(plan.spendUnits * 100_000, 2_000_000));
    expect(text).toContain(`at most ${formatUsdt(plan.maxSpend!)} USDT`);
  });
});

const target = inject('contractTarget');

describe.skipIf(target.kind !== 'mock')('live safety against this run\'s mock posing as live', () => {
  const control = new ControlClient(target.baseUrl, target.controlToken ?? undefined, controlSpec);

  async function accountState(id: string) {
    const state = await control.state();
    return { account: state.accounts.find((a) => a.id === id)!, orders: state.orders.filter((o) => o.account_id === id), state };
  }

  it('the client refuses a purchase over the allowance before sending it', async () => {
    const { key, account } = await control.createAccount({ balance: '5', status: 'active' });
    const product = `ct-budget-${Date.now().toString(36)}`;
    await control.putProduct(product, { name: 'Budget test', price: '0.4', stock: 10 });
    const { kit, ledger } = liveKit('purchase.ok', liveTarget(target.baseUrl, key, 1_000_000), { now: Date.now, sleep: async () => {} });
    const body = { product_id: product, quantity: 1 };
    expect((await kit.api.purchase(body, { cost: 400_000 })).status).toBe(200);
    expect((await kit.api.purchase(body, { cost: 400_000 })).status).toBe(200);
    await expect(kit.api.purchase(body, { cost: 400_000 })).rejects.toThrow(BudgetExceededError);
    await expect(kit.api.purchase(body, {})).rejects.toThrow(/needs `cost`/);
    const after = await accountState(account.id);
    expect(after.orders).toHaveLength(2);
    expect(toMicros(after.account.balance)).toBe(4_200_000);
    expect(ledger.read().spent).toBe(800_000);
    expect(ledger.read().reserved).toBe(0);
    // With no allowance nothing that costs is sent at all.
    const none = liveKit('purchase.ok', liveTarget(target.baseUrl, key, 0), { now: Date.now, sleep: async () => {} });
    await expect(none.kit.api.purchase(body, { cost: 400_000 })).rejects.toThrow(/only 0 of AI_MARKET_ALLOW_SPEND=0 is left; not sent/);
    expect((await accountState(account.id)).orders).toHaveLength(2);
  });

  /** Runs the contract cases (no self-tests) in a child vitest against this mock as if it were live. */
  async function runPosingAsLive(apiKey: string, allowSpend?: string): Promise<{ code: number | null; output: string; summary: SummaryData }> {
    const reportsDir = mkdtempSync(join(tmpdir(), 'contract-as-live-'));
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('AI_MARKET_') && !name.startsWith('VITEST')),
    );
    Object.assign(env, {
      AI_MARKET_BASE_URL: target.baseUrl,
      AI_MARKET_TARGET: 'live',
      AI_MARKET_API_KEY: apiKey,
      AI_MARKET_REPORTS_DIR: reportsDir,
      AI_MARKET_SKIP_SELF_TESTS: '1',
      // The mock's limit is raised for this test, so the child need not wait real minutes.
      AI_MARKET_PACE_LIMIT: '1000',
      ...(allowSpend ? { AI_MARKET_ALLOW_SPEND: allowSpend } : {}),
    });
    // The vitest this package depends on (it may be hoisted when the package is installed).
    const vitest = join(dirname(createRequire(join(PROJECT_ROOT, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');
    const child = spawn(process.execPath, [vitest, 'run', '--config', 'contract-tests/vitest.config.ts'], { cwd: PROJECT_ROOT, env });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const summary = JSON.parse(readFileSync(join(reportsDir, 'contract-summary.json'), 'utf8')) as SummaryData;
    return { code, output, summary };
  }

  async function withRaisedLimit<T>(run: () => Promise<T>): Promise<T> {
    const original = await control.settings();
    await control.changeSettings({ rate_limit: 1000 });
    await control.advanceClock(original.rate_window_seconds + 1);
    try {
      return await run();
    } finally {
      await control.changeSettings({ rate_limit: original.rate_limit });
    }
  }

  it('a whole run posing as live, without AI_MARKET_ALLOW_SPEND, spends nothing and says why cases were skipped', { timeout: 120_000 }, async () => {
    const { key, account } = await control.createAccount({ balance: '5', status: 'active' });
    const { code, output, summary } = await withRaisedLimit(() => runPosingAsLive(key));
    expect(code, output).toBe(0);
    expect(summary.target?.kind).toBe('live');
    expect(summary.spent).toBe('0');
    for (const entry of CASES) {
      const result = summary.cases.find((c) => c.id === entry.id);
      expect(result, entry.id).toBeDefined();
      if (entry.mockOnly) expect(result!.note, entry.id).toMatch(/^mock only: /);
      else if (spends(entry)) expect(result!.note, entry.id).toMatch(/AI_MARKET_ALLOW_SPEND/);
      else if (entry.liveOptIn) expect(result!.note, entry.id).toMatch(/AI_MARKET_LIVE_RATE_LIMIT_TEST/);
      else expect(result!.state, `${entry.id}: ${result!.note}`).toBe('passed');
    }
    expect(summary.unexpected429).toBe(0);
    const after = await accountState(account.id);
    expect(after.orders).toHaveLength(0);
    expect(toMicros(after.account.balance)).toBe(5_000_000);
  });

  it('a whole run posing as live, with AI_MARKET_ALLOW_SPEND, spends within it and books every cent', { timeout: 120_000 }, async () => {
    const { key, account } = await control.createAccount({ balance: '5', status: 'active' });
    const { state } = await accountState(account.id);
    const cheapest = Math.min(...state.products.filter((p) => p.in_stock && p.price > 0).map((p) => toMicros(p.price)));
    const allowance: Micros = Math.floor(cheapest * 2.5);
    const { code, output, summary } = await withRaisedLimit(() => runPosingAsLive(key, formatUsdt(allowance)));
    expect(code, output).toBe(0);
    const spent = parseUsdt(summary.spent!);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(allowance);
    const after = await accountState(account.id);
    expect(5_000_000 - toMicros(after.account.balance)).toBe(spent);
    expect(after.orders.reduce((sum, o) => sum + toMicros(o.total), 0)).toBe(spent);
    expect(summary.cases.filter((c) => c.state === 'skipped' && /allowance left/.test(c.note)).length).toBeGreaterThan(0);
    expect(summary.cases.filter((c) => c.state === 'failed')).toEqual([]);
  });
});
