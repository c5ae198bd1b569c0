/**
 * Whether a rule's match fields fit a request. Pure; what a request offers is gathered by
 * pick-fault.ts, reading the body or looking up the key only when a rule asks for it.
 */
import type { FaultRuleRow } from '../store/faults-store.js';

export interface RequestFacts {
  /** The X-API-Key sent, if any. */
  key: string | undefined;
  keyHash: string | undefined;
  accountId: string | undefined;
  productId: string | undefined;
  hasIdempotencyKey: boolean;
}

export type MatchFields = Pick<FaultRuleRow, 'key_hash' | 'key_prefix' | 'account_id' | 'product_id' | 'with_idempotency_key'>;

export function matches(rule: MatchFields, facts: RequestFacts): boolean {
  if (rule.with_idempotency_key !== null && (rule.with_idempotency_key === 1) !== facts.hasIdempotencyKey) return false;
  if (rule.key_hash !== null && rule.key_hash !== facts.keyHash) return false;
  if (rule.key_prefix !== null && !(facts.key ?? '').startsWith(rule.key_prefix)) return false;
  if (rule.account_id !== null && rule.account_id !== facts.accountId) return false;
  if (rule.product_id !== null && rule.product_id !== facts.productId) return false;
  return true;
}
