/**
 * A one-screen summary at the end of a run, for humans and CI: the target, passed / failed /
 * skipped per operation and error code, money spent and requests sent. Printed, and written to
 * <reports>/contract-summary.txt (and .json for machines).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { outcomeKey, type Outcome, type RequestCount } from './contract-case.js';
import { LEDGER_FILE, TARGET_FILE } from './global-setup.js';
import { formatUsdt } from './money.js';
import type { LedgerState } from './run-ledger.js';
import type { TargetInfo } from './target.js';

type State = 'passed' | 'failed' | 'skipped';

export interface CaseResult {
  id: string;
  state: State;
  /** The skip reason or the first line of the failure. */
  note: string;
  /** Public-API requests it sent (mock-only extras left out) and the most it declares, once its body ran. */
  requests?: RequestCount;
}

export interface SummaryData {
  target: Omit<TargetInfo, 'apiKey' | 'controlToken'> | null;
  cases: CaseResult[];
  outcomes: { outcome: string; passed: number; failed: number; skipped: number }[];
  other: Record<State, number>;
  spent: string | null;
  allowance: string | null;
  requests: number;
  unexpected429: number;
}

const readJson = <T>(path: string): T | null => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : null);

/** The contract cases' results (a test with meta.contractCase is one), and counts of the other tests. */
export function collectResults(testModules: ReadonlyArray<TestModule>): {
  cases: (CaseResult & { covers: readonly Outcome[] })[];
  other: Record<State, number>;
} {
  const cases: (CaseResult & { covers: readonly Outcome[] })[] = [];
  const other: Record<State, number> = { passed: 0, failed: 0, skipped: 0 };
  for (const module of testModules) {
    for (const test of module.children.allTests()) {
      const result = test.result();
      const state: State = result.state === 'pending' ? 'skipped' : result.state;
      const meta = test.meta().contractCase;
      if (!meta) {
        other[state] += 1;
        continue;
      }
      const note =
        result.state === 'skipped'
          ? (result.note ?? 'skipped')
          : result.state === 'failed'
            ? (result.errors[0]?.message ?? 'failed').split('\n')[0]!
            : '';
      cases.push({ id: meta.id, state, note, covers: meta.covers, ...(meta.requests ? { requests: meta.requests } : {}) });
    }
  }
  return { cases, other };
}

export function summarise(reportsDir: string, testModules: ReadonlyArray<TestModule>): SummaryData {
  const target = readJson<SummaryData['target']>(join(reportsDir, TARGET_FILE));
  const ledger = readJson<LedgerState>(join(reportsDir, LEDGER_FILE));
  const results = collectResults(testModules);
  const counts = new Map<string, { passed: number; failed: number; skipped: number }>();
  const byOutcome = results.cases.flatMap((result) => result.covers.map((o) => ({ result, key: outcomeKey(o), o })));
  const order = (op: string) => ['getBalance', 'listProducts', 'purchase', '*'].indexOf(op);
  byOutcome.sort((a, b) => order(a.o.operation) - order(b.o.operation) || a.o.status - b.o.status || a.key.localeCompare(b.key));
  for (const { result, key } of byOutcome) {
    const row = counts.get(key) ?? { passed: 0, failed: 0, skipped: 0 };
    row[result.state] += 1;
    counts.set(key, row);
  }
  const cases = results.cases.map(({ covers: _covers, ...rest }) => rest);
  const other = results.other;
  return {
    target,
    cases,
    outcomes: [...counts.entries()].map(([outcome, row]) => ({ outcome, ...row })),
    other,
    spent: ledger ? formatUsdt(ledger.spent) : null,
    allowance: ledger && ledger.budget !== null ? formatUsdt(ledger.budget) : null,
    requests: ledger?.requests ?? 0,
    unexpected429: ledger?.unexpected429 ?? 0,
  };
}

export function renderSummary(data: SummaryData): string {
  const count = (state: State) => data.cases.filter((c) => c.state === state).length;
  const lines = ['', '──── AI-Market contract summary ────'];
  lines.push(`target   ${data.target ? `${data.target.kind}: ${data.target.description}` : 'unknown (global setup did not finish)'}`);
  lines.push(
    `cases    ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped` +
      `   (sweep and self-tests: ${data.other.passed} passed, ${data.other.failed} failed, ${data.other.skipped} skipped)`,
  );
  lines.push('operation     status code                       pass fail skip');
  for (const row of data.outcomes) {
    const [op = '', status = '', code = ''] = row.outcome.split(' ');
    lines.push(
      `${op.padEnd(13)} ${status.padEnd(6)} ${code.padEnd(27)} ${String(row.passed).padStart(4)} ${String(row.failed).padStart(4)} ${String(row.skipped).padStart(4)}`,
    );
  }
  const live = data.target?.kind === 'live';
  lines.push(
    `money    ${data.spent ?? '?'} USDT spent` +
      (live ? ` of ${data.allowance ?? '0'} allowed (AI_MARKET_ALLOW_SPEND)` : ' (mock wallets: play money)'),
  );
  lines.push(`requests ${data.requests} to the public API, ${data.unexpected429} unexpected 429`);
  const reasons = new Map<string, string[]>();
  for (const c of data.cases.filter((c) => c.state === 'skipped')) reasons.set(c.note, [...(reasons.get(c.note) ?? []), c.id]);
  for (const [reason, ids] of reasons) lines.push(`skipped  ${ids.join(', ')}: ${reason}`);
  for (const c of data.cases.filter((c) => c.state === 'failed')) lines.push(`FAILED   ${c.id}: ${c.note}`);
  return `${lines.join('\n')}\n`;
}

/**
 * @example
 *   reporters: ['default', new ContractSummaryReporter('reports')]
 */
export class ContractSummaryReporter implements Reporter {
  constructor(private readonly reportsDir: string) {}

  /** A run whose global setup fails must not summarise the previous run's target and money. */
  onInit(): void {
    for (const file of [TARGET_FILE, LEDGER_FILE]) rmSync(join(this.reportsDir, file), { force: true });
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const data = summarise(this.reportsDir, testModules);
    const text = renderSummary(data);
    process.stdout.write(text);
    mkdirSync(this.reportsDir, { recursive: true });
    writeFileSync(join(this.reportsDir, 'contract-summary.txt'), text);
    writeFileSync(join(this.reportsDir, 'contract-summary.json'), `${JSON.stringify(data, null, 2)}\n`);
  }
}
