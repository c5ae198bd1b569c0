/**
 * A contract case is one object: what it covers, what it needs and costs on a live target, and its
 * body. The cases sit in cases/<area>.ts; cases/index.ts puts them in one flat list, which the
 * registration (cases.contract.ts), the sweep, the dry run, the summary and the self-tests read.
 */
import type { OperationId, ApiSchemas } from './api-client.js';
import { CaseFailure } from './assertions.js';
import { CaseSkip, type CaseKit } from './case-kit.js';

/** An answer a case provokes and checks. `operation` '*' is any path (routing errors). */
export interface Outcome {
  operation: OperationId | '*';
  status: number;
  code?: ApiSchemas['ErrorCode'];
}

/**
 * @example
 *   export const balanceCases: readonly ContractCase[] = [
 *     {
 *       id: 'balance.ok',
 *       title: 'GET /balance returns the wallet',
 *       covers: [{ operation: 'getBalance', status: 200 }],
 *       requests: 1,
 *       run: async (kit) => {
 *         expectAnswer(await kit.api.getBalance(), 200);
 *       },
 *     },
 *   ];
 */
export interface ContractCase {
  /** `<area>.<name>`, unique; the test is named `[id] title`. */
  id: string;
  title: string;
  /** The operations, statuses and error codes it checks; the sweep holds them against the spec. */
  covers: readonly Outcome[];
  /**
   * Most public-API requests it sends on a live target (a mock-only case: on the mock, where alone
   * it runs); a function of the rate limit (requests per window) for a case that fills a window.
   * The dry run and the live pacing plan with it; the kit counts what the case sends and fails the
   * case when it sends more (see contract-tests/README.md, "Request counts").
   */
  requests: number | ((rateLimit: number) => number);
  /** Why it cannot run against the live API (state only the store's bot can make, a mock extension…). */
  mockOnly?: string;
  /** Worst-case units of the chosen product it may pay for on a live target (0: free). */
  spendUnits?: number;
  /** Runs against the live API only when asked for. */
  liveOptIn?: 'rate-limit';
  /** Seconds it waits on a live target beyond pacing. */
  waitSeconds?: number;
  /** false: needs no API key (auth failures). */
  needsKey?: boolean;
  run(kit: CaseKit): Promise<void>;
}

/** What a test carries in `task.meta` for the reporters (JSON: the case without its body). */
export interface CaseMeta {
  id: string;
  covers: readonly Outcome[];
  /** Written once the body has run: public-API requests counted, and the most it declares. */
  requests?: RequestCount;
}

export interface RequestCount {
  sent: number;
  allowed: number;
}

declare module 'vitest' {
  interface TaskMeta {
    contractCase?: CaseMeta;
  }
}

/** One outcome on each public operation, e.g. everyOperation(401, 'NO_KEY'). */
export const everyOperation = (status: number, code: ApiSchemas['ErrorCode']): Outcome[] =>
  (['getBalance', 'listProducts', 'purchase'] as const satisfies readonly OperationId[]).map((operation) => ({ operation, status, code }));

/** The case's request budget under a rate limit of `rateLimit` requests per window. */
export const requestsOf = (contractCase: Pick<ContractCase, 'requests'>, rateLimit: number): number =>
  typeof contractCase.requests === 'function' ? contractCase.requests(rateLimit) : contractCase.requests;

export const outcomeKey = (o: { operation: string; status: number; code?: string }): string => `${o.operation} ${o.status}${o.code ? ` ${o.code}` : ''}`;

/**
 * Runs a case body on a kit and holds it to its declared `requests`: a case that sent more
 * public-API requests than it declares fails, on every target, also when it skipped halfway.
 * Resolves to the skip reason (if the body found it cannot run here) and the count.
 */
export async function playCase(kit: CaseKit): Promise<{ skipped?: string; requests: RequestCount }> {
  let skipped: string | undefined;
  try {
    await kit.case.run(kit);
  } catch (error) {
    if (!(error instanceof CaseSkip)) throw error;
    skipped = error.reason;
  }
  const rateLimit = typeof kit.case.requests === 'function' ? (await kit.rateLimit()).limit : 0;
  const requests = { sent: kit.requestsSent, allowed: requestsOf(kit.case, rateLimit) };
  if (requests.sent > requests.allowed) {
    throw new CaseFailure(
      `${kit.case.id} sent ${requests.sent} public-API requests${kit.isLive ? '' : ' (mock-only extras not counted)'} ` +
        `but declares at most ${requests.allowed}: correct its \`requests\` in contract-tests/cases/`,
    );
  }
  return { skipped, requests };
}
