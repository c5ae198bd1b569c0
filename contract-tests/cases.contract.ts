/**
 * The one registration of the contract cases: a vitest test per case of cases/index.ts, named
 * `[id] title`, carrying the case's metadata in task.meta (the summary reporter reads it) and
 * getting its kit from a fixture. Static reasons to skip (mock-only, no allowance, opt-in) and
 * the reasons a body finds at run time both end in skip(reason), so every report shows them.
 */
import { inject, test } from 'vitest';
import { CASES, caseById } from './cases/index.js';
import { CaseKit, type KitDeps } from './lib/case-kit.js';
import { playCase } from './lib/contract-case.js';
import { decide, timeoutFor } from './lib/plan.js';
import { fileLedger } from './lib/run-ledger.js';
import { CONTROL_SPEC_PATH, PUBLIC_SPEC_PATH } from './lib/settings.js';
import { SpecValidator } from './lib/spec-validator.js';

const target = inject('contractTarget');

const contractTest = test
  // One set of compiled validators and one ledger handle per worker (read-only or on disk).
  .extend('deps', { scope: 'worker' }, (): KitDeps => {
    const workerTarget = inject('contractTarget');
    return {
      target: workerTarget,
      publicSpec: SpecValidator.fromFile(PUBLIC_SPEC_PATH),
      controlSpec: SpecValidator.fromFile(CONTROL_SPEC_PATH),
      ledger: fileLedger(workerTarget.ledgerPath),
    };
  })
  // A fresh kit (clients, request count) per test, for the case its meta names.
  .extend('kit', ({ deps, task }) => {
    const id = task.meta.contractCase?.id;
    if (!id) throw new Error(`${task.name}: a contract test needs meta.contractCase`);
    return new CaseKit(caseById(id), deps);
  });

for (const contractCase of CASES) {
  contractTest(
    `[${contractCase.id}] ${contractCase.title}`,
    { meta: { contractCase: { id: contractCase.id, covers: contractCase.covers } }, timeout: timeoutFor(contractCase, target) },
    async ({ kit, skip, task }) => {
      const decision = decide(contractCase, target);
      if (!decision.run) {
        console.log(`[contract] skip ${contractCase.id}: ${decision.reason}`);
        skip(decision.reason);
      }
      const { skipped, requests } = await playCase(kit);
      task.meta.contractCase!.requests = requests;
      if (skipped !== undefined) {
        console.log(`[contract] skip ${contractCase.id}: ${skipped}`);
        skip(skipped);
      }
    },
  );
}
