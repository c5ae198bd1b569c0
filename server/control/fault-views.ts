/** Fault rules and journal entries as the control API shows them (snake_case, times as ISO strings). */
import type { FaultParams, FaultRuleRow } from '../store/faults-store.js';
import type { JournalEntry } from '../journal/journal-entry.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** Only the fields a rule has; an exact key shows as its first characters and "…". */
export function faultRuleView(rule: FaultRuleRow) {
  const params = JSON.parse(rule.params) as FaultParams;
  const optional = {
    operation: rule.operation ?? undefined,
    account: rule.account_id ?? undefined,
    key: rule.key_shown === null ? undefined : `${rule.key_shown}…`,
    key_prefix: rule.key_prefix ?? undefined,
    product_id: rule.product_id ?? undefined,
    with_idempotency_key: rule.with_idempotency_key === null ? undefined : rule.with_idempotency_key === 1,
    times: rule.times ?? undefined,
    every: rule.every ?? undefined,
    probability: rule.probability ?? undefined,
    ...params,
  };
  return {
    id: rule.id,
    kind: rule.kind,
    source: rule.source,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    seed: rule.seed,
    seen: rule.seen,
    fired: rule.fired,
    remaining: rule.times === null ? null : Math.max(0, rule.times - rule.fired),
    created_at: iso(rule.created_at),
  };
}

export const journalEntryView = (e: JournalEntry) => ({
  id: e.id,
  at: iso(e.at),
  method: e.method,
  path: e.path,
  operation: e.operation,
  account_id: e.accountId,
  key_prefix: e.keyPrefix,
  idempotency_key: e.idempotencyKey,
  request_body: e.requestBody,
  status: e.status,
  error_code: e.errorCode,
  response_body: e.responseBody,
  latency_ms: e.latencyMs,
  fault: e.fault,
  order_id: e.orderId,
  replayed: e.replayed,
});
