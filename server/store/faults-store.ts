/**
 * Fault rules and their counters. Deciding whether a rule fires runs in one IMMEDIATE
 * transaction, so two requests (in this process or another on the same file) never both
 * take the last of "the next N", and a seeded rule draws its sequence in one order.
 */
import { isAfterCommit, type FaultKind, type FaultRuleInput } from '../../spec/fault-schemas.js';
import type { Db } from '../db/open-database.js';
import { decide, drawDelay } from '../faults/rule-decision.js';
import { randomSeed } from '../faults/seeded-random.js';
import type { JournalOperation } from '../journal/journal-entry.js';
import type { AccountsStore } from './accounts-store.js';
import { cachedRead, type ChangeWatch } from './change-watch.js';
import { hashKey, shownPrefix } from './random-ids.js';

export type FaultSource = 'api' | 'config' | 'fixture';
export type FaultStage = 'before' | 'after_commit';

/** What a kind needs beyond matching: a delay, a status and body, a hang's bound. */
export interface FaultParams {
  ms?: number;
  min_ms?: number;
  max_ms?: number;
  status?: 500 | 502 | 503 | 504;
  body?: 'json' | 'html';
}

export interface FaultRuleRow {
  id: number;
  source: FaultSource;
  kind: FaultKind;
  stage: FaultStage;
  operation: JournalOperation | null;
  account_id: string | null;
  key_hash: string | null;
  key_shown: string | null;
  key_prefix: string | null;
  product_id: string | null;
  with_idempotency_key: 0 | 1 | null;
  times: number | null;
  every: number | null;
  probability: number | null;
  seed: number;
  rng_state: number;
  seen: number;
  fired: number;
  params: string;
  created_at: number;
}

/** A rule that fired for a request: what to do, and for a latency, how long. */
export interface FiredFault {
  ruleId: number;
  kind: FaultKind;
  params: FaultParams;
  delayMs: number;
}

export type AddOutcome = { kind: 'added'; rule: FaultRuleRow } | { kind: 'refused'; path: string; message: string };

export function createFaultsStore(db: Db, accounts: AccountsStore, changes: ChangeWatch) {
  const insert = db.prepare(
    `INSERT INTO fault_rules (source, kind, stage, operation, account_id, key_hash, key_shown, key_prefix, product_id,
       with_idempotency_key, times, every, probability, seed, rng_state, params, created_at)
     VALUES (@source, @kind, @stage, @operation, @account_id, @key_hash, @key_shown, @key_prefix, @product_id,
       @with_idempotency_key, @times, @every, @probability, @seed, @seed, @params, @created_at)`,
  );
  const byId = db.prepare<[number], FaultRuleRow>('SELECT * FROM fault_rules WHERE id = ?');
  const all = db.prepare<[], FaultRuleRow>('SELECT * FROM fault_rules ORDER BY id');
  // Every API request asks this, so the stage is written into the SQL, one statement per stage: with the
  // stage as a bound value, SQLite (better-sqlite3's build) compiled the statement again on every run
  // (measured: 14 µs a request instead of 0.6 µs; the same trap as the JOIN in purchases-store.ts).
  const liveSql = (stage: FaultStage) =>
    `SELECT * FROM fault_rules WHERE stage = '${stage}' AND (operation IS NULL OR operation = ?) AND (times IS NULL OR fired < times) ORDER BY id`;
  const live = {
    before: db.prepare<[string], FaultRuleRow>(liveSql('before')),
    after_commit: db.prepare<[string], FaultRuleRow>(liveSql('after_commit')),
  } satisfies Record<FaultStage, unknown>;
  // Most sandboxes have no rule at all: known per process until the change watch moves, so a request
  // then reads nothing. Every write that adds a rule says so (wrote()); firing one only spends it.
  const anyRule = db.prepare('SELECT 1 FROM fault_rules LIMIT 1');
  const hasRules = cachedRead(changes, () => anyRule.get() !== undefined);
  /** A write of rules: caches of them are stale afterwards, whether it committed or not. */
  const writingRules = <T>(write: () => T): T => {
    try {
      return write();
    } finally {
      changes.wrote();
    }
  };
  const count = db.prepare('UPDATE fault_rules SET seen = ?, fired = ?, rng_state = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM fault_rules WHERE id = ?');
  const removeAll = db.prepare('DELETE FROM fault_rules');
  const removeSource = db.prepare('DELETE FROM fault_rules WHERE source = ?');
  const removeAllBut = db.prepare('DELETE FROM fault_rules WHERE source != ?');
  const rearmAll = db.prepare('UPDATE fault_rules SET seen = 0, fired = 0, rng_state = seed');

  const add = (input: FaultRuleInput, source: FaultSource, now: number): AddOutcome => {
    // A prefix that is a whole key would keep that key in clear; the exact match hashes it.
    if (input.key_prefix !== undefined && accounts.keyExists(input.key_prefix)) {
      return { kind: 'refused', path: 'key_prefix', message: 'is a whole key; give it as key (the mock keeps only its hash)' };
    }
    const purchaseOnly = isAfterCommit(input.kind) || input.product_id !== undefined;
    const seed = input.seed ?? randomSeed();
    const { lastInsertRowid } = insert.run({
      source,
      kind: input.kind,
      stage: isAfterCommit(input.kind) ? 'after_commit' : 'before',
      operation: input.operation ?? (purchaseOnly ? 'purchase' : null),
      account_id: input.account ?? null,
      key_hash: input.key === undefined ? null : hashKey(input.key),
      key_shown: input.key === undefined ? null : shownPrefix(input.key),
      key_prefix: input.key_prefix ?? null,
      product_id: input.product_id ?? null,
      with_idempotency_key: input.with_idempotency_key === undefined ? null : input.with_idempotency_key ? 1 : 0,
      times: input.times ?? null,
      every: input.every ?? null,
      probability: input.probability ?? null,
      seed,
      params: JSON.stringify(paramsOf(input)),
      created_at: now,
    });
    return { kind: 'added', rule: byId.get(Number(lastInsertRowid))! };
  };

  /** Adds every rule or none; the first refusal names its rule's index. */
  const addAll = db.transaction((inputs: readonly FaultRuleInput[], source: FaultSource, now: number): AddOutcome[] => {
    const outcomes: AddOutcome[] = [];
    for (const [index, input] of inputs.entries()) {
      const outcome = add(input, source, now);
      if (outcome.kind === 'refused') throw new RefusedRule(index, outcome);
      outcomes.push(outcome);
    }
    return outcomes;
  });

  /** The first of the rules (in id order) that fires for this request, with its counters moved. */
  const take = db.transaction((ids: readonly number[]): FiredFault | undefined => {
    for (const id of ids) {
      const rule = byId.get(id); // again, inside the lock: another process may have spent it
      if (!rule || (rule.times !== null && rule.fired >= rule.times)) continue;
      const decision = decide(rule);
      const params = JSON.parse(rule.params) as FaultParams;
      let rngState = decision.rngState;
      let delayMs = 0;
      if (decision.fire && rule.kind === 'latency') {
        if (params.ms !== undefined) delayMs = params.ms;
        else ({ ms: delayMs, rngState } = drawDelay(params.min_ms!, params.max_ms!, rngState));
      }
      count.run(decision.seen, decision.fired, rngState, id);
      if (decision.fire) return { ruleId: id, kind: rule.kind, params, delayMs };
    }
    return undefined;
  });

  const replaceConfigRules = db.transaction((inputs: readonly FaultRuleInput[], now: number) => {
    removeSource.run('config');
    return addAll(inputs, 'config', now);
  });

  return {
    add: (input: FaultRuleInput, source: FaultSource, now: number) => writingRules(() => db.transaction(() => add(input, source, now)).immediate()),
    /** Adds a list (the configuration's, a fixture's); throws RefusedRule and adds none when one is refused. */
    addAll: (inputs: readonly FaultRuleInput[], source: FaultSource, now: number) => writingRules(() => addAll.immediate(inputs, source, now)),
    list: () => all.all(),
    get: (id: number) => byId.get(id),
    remove: (id: number) => writingRules(() => remove.run(id).changes > 0),
    removeAll: () => writingRules(() => removeAll.run().changes),
    /** Rules of a stage that could still fire for an operation; the caller narrows them by key, account, product. */
    candidates: (stage: FaultStage, operation: JournalOperation) => (hasRules.get() ? live[stage].all(operation) : []),
    take: (ids: readonly number[]) => take.immediate(ids),
    /** The configuration's rules, replaced at startup (an empty list removes them). */
    replaceConfigRules: (inputs: readonly FaultRuleInput[], now: number): AddOutcome[] => writingRules(() => replaceConfigRules(inputs, now)),
    /** For a reset: rules made through the API and the old fixture's go, the configuration's start over. Inside loadFixture's transaction. */
    resetForFixture: (fixtureRules: readonly FaultRuleInput[], now: number) =>
      writingRules(() => {
        removeAllBut.run('config');
        rearmAll.run();
        addAll(fixtureRules, 'fixture', now);
      }),
  };
}

/** A rule of a list was refused (see AddOutcome); index is its place in the list. */
export class RefusedRule extends Error {
  constructor(
    readonly index: number,
    readonly refusal: { path: string; message: string },
  ) {
    super(`${index}.${refusal.path}: ${refusal.message}`);
  }
}

function paramsOf(input: FaultRuleInput): FaultParams {
  switch (input.kind) {
    case 'latency':
      return input.ms !== undefined ? { ms: input.ms } : { min_ms: input.min_ms, max_ms: input.max_ms };
    case 'error_response':
    case 'after_commit_error':
      return { status: input.status, body: input.body };
    case 'hang':
    case 'after_commit_hang':
      return { max_ms: input.max_ms };
    default:
      return {};
  }
}

export type FaultsStore = ReturnType<typeof createFaultsStore>;
