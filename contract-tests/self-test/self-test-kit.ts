/** A case kit aimed at a "live" target without vitest's inject: for the self-tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseById } from '../cases/index.js';
import { CaseKit } from '../lib/case-kit.js';
import type { ContractCase } from '../lib/contract-case.js';
import type { Micros } from '../lib/money.js';
import type { Clock } from '../lib/pacer.js';
import { memoryLedger, type Ledger } from '../lib/run-ledger.js';
import { CONTROL_SPEC_PATH, PUBLIC_SPEC_PATH } from '../lib/settings.js';
import { SpecValidator } from '../lib/spec-validator.js';
import type { TargetInfo } from '../lib/target.js';

export const publicSpec = SpecValidator.fromFile(PUBLIC_SPEC_PATH);
export const controlSpec = SpecValidator.fromFile(CONTROL_SPEC_PATH);

export function liveTarget(baseUrl: string, apiKey: string, allowSpend: Micros): TargetInfo {
  return {
    kind: 'live',
    baseUrl,
    description: 'a self-test target',
    startedBySuite: false,
    posingAsLive: true,
    apiKey,
    controlToken: null,
    allowSpend,
    liveRateLimitTest: true,
    paceLimit: 20,
    paceWindowSeconds: 60,
    ledgerPath: '',
    reportsDir: mkdtempSync(join(tmpdir(), 'contract-self-test-')),
  };
}

/** A kit for a case (by id, or a case object made for the test) aimed at a "live" target. */
export function liveKit(caseOrId: string | ContractCase, target: TargetInfo, clock: Clock, ledger: Ledger = memoryLedger(target.allowSpend)) {
  const contractCase = typeof caseOrId === 'string' ? caseById(caseOrId) : caseOrId;
  const kit = new CaseKit(contractCase, { target, publicSpec, controlSpec, ledger, clock, log: () => {} });
  return { kit, ledger };
}
