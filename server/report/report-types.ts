/**
 * The integration report: what a list of journal entries says an integration would
 * do wrong with real money on the live API. Built by buildReport (build-report.ts),
 * written out by the text, JSON and JUnit formatters.
 */
import type { RuleId, PassId, DocumentedCode } from './rules.js';

export type Severity = 'error' | 'warning' | 'info';

/** Most entry ids a finding or pass lists; `entryCount` says how many there were. */
export const MAX_LISTED_ENTRIES = 20;

/** One rule broken, for one account (or one key, for the per-key rules). */
export interface Finding {
  /** The stable rule id, e.g. `purchase-without-idempotency-key`. */
  id: RuleId;
  severity: Severity;
  title: string;
  /** The account the entries belong to; null when no account was identified (no key, unknown key). */
  accountId: string | null;
  /** The key, for rules judged per key (rate limit, 401/403); null otherwise. */
  keyPrefix: string | null;
  /** What happened, in one or two sentences. */
  happened: string;
  /** What to change, in one or two sentences. */
  fix: string;
  /** The first MAX_LISTED_ENTRIES journal entry ids that show it, oldest first. */
  entryIds: number[];
  entryCount: number;
}

/** A check the integration passed, with the entries that show it. */
export interface Pass {
  id: PassId;
  /** The rule this check is the good side of. */
  rule: RuleId;
  title: string;
  detail: string;
  entryIds: number[];
  entryCount: number;
}

/** One documented error code: how often the integration met it, and how to provoke it in the sandbox. */
export interface CodeCoverage {
  code: DocumentedCode;
  status: number;
  /** How many answers carried it. */
  count: number;
  firstEntryId: number | null;
  howToProvoke: string;
}

/** Each rule checked, for the JUnit report (one testcase per rule) and the text headline. */
export interface RuleOutcome {
  id: RuleId;
  severity: Severity;
  title: string;
  /** How many findings the rule produced (one per account or key). */
  findings: number;
}

export interface ReportScope {
  accountId?: string;
  keyPrefix?: string;
  /** Virtual-clock epoch ms, inclusive. */
  since?: number;
  until?: number;
}

export interface ReportOptions {
  /** The sandbox's configured limit (requests per window per key); the report judges against live's 20 per 60 s. */
  rateLimit: number;
  rateWindowSeconds: number;
  /** What the entries were selected by, echoed in the report. */
  scope?: ReportScope;
}

export interface Report {
  scope: ReportScope;
  /** Virtual-clock time of the first and last entry; null when there were none. */
  firstAt: number | null;
  lastAt: number | null;
  rateLimit: {
    live: { limit: number; windowSeconds: number };
    sandbox: { limit: number; windowSeconds: number };
  };
  counts: {
    requests: number;
    purchases: number;
    /** Distinct orders created or replayed. */
    orders: number;
    replays: number;
    /** Entries a fault rule acted on. */
    faults: number;
    errors: number;
    warnings: number;
    infos: number;
    passes: number;
  };
  /** Most severe first, then in the order of the rules. */
  findings: Finding[];
  passes: Pass[];
  /** Every documented error code, met ones first. */
  coverage: CodeCoverage[];
  rules: RuleOutcome[];
}
