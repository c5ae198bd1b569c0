/**
 * Turns case definitions into vitest tests named `[id] title`. Static reasons to skip (mock-only,
 * no allowance, opt-in) and the reasons a body finds at run time both end in `ctx.skip(reason)`,
 * so the reason shows in the vitest report, the JUnit file and the summary.
 */
import { inject, it } from 'vitest';
import { catalogueEntry, type CaseEntry } from './catalogue.js';
import { CaseKit, CaseSkip, type ContractCase, type KitDeps } from './case-kit.js';
import { decide, pacedCapacity } from './plan.js';
import { fileLedger } from './run-ledger.js';
import { CONTROL_SPEC_PATH, PUBLIC_SPEC_PATH } from './settings.js';
import { SpecValidator } from './spec-validator.js';
import type { TargetInfo } from './target.js';

let deps: KitDeps | undefined;

/** One set of validators and one ledger handle per worker. */
export function kitDeps(): KitDeps {
  if (!deps) {
    const target = inject('contractTarget');
    deps = {
      target,
      publicSpec: SpecValidator.fromFile(PUBLIC_SPEC_PATH),
      controlSpec: SpecValidator.fromFile(CONTROL_SPEC_PATH),
      ledger: fileLedger(target.ledgerPath),
    };
  }
  return deps;
}

/** Generous on live (pacing waits are real), tight on the mock. */
function timeoutFor(entry: CaseEntry, target: TargetInfo): number {
  if (target.kind === 'mock') return 30_000;
  const windows = Math.ceil(entry.requests / pacedCapacity(target.paceLimit)) + 1;
  return (windows * (target.paceWindowSeconds + 1) + (entry.waitSeconds ?? 0) + 60) * 1000;
}

/**
 * @example
 *   registerCases([balanceOk]); // in cases/balance.contract.ts
 */
export function registerCases(cases: ContractCase[]): void {
  const target = inject('contractTarget');
  for (const contractCase of cases) {
    const entry = catalogueEntry(contractCase.id);
    it(
      `[${entry.id}] ${entry.title}`,
      async (ctx) => {
        const decision = decide(entry, target);
        if (!decision.run) {
          console.log(`[contract] skip ${entry.id}: ${decision.reason}`);
          ctx.skip(decision.reason);
        }
        try {
          await contractCase.run(new CaseKit(entry, kitDeps()));
        } catch (error) {
          if (!(error instanceof CaseSkip)) throw error;
          console.log(`[contract] skip ${entry.id}: ${error.reason}`);
          ctx.skip(error.reason);
        }
      },
      timeoutFor(entry, target),
    );
  }
}
