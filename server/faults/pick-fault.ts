/**
 * Finds the fault for a request at one stage: the rules that could apply to its operation
 * (one indexed read, nothing more when there are none), narrowed by key, account, product and
 * Idempotency-Key, then the first that fires, decided in the store's transaction.
 */
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { operationOf } from '../journal/operation.js';
import { requestBodyText } from '../journal/request-body.js';
import type { KeyLookup } from '../store/accounts-store.js';
import type { FaultStage, FiredFault } from '../store/faults-store.js';
import { hashKey } from '../store/random-ids.js';
import { matches, type RequestFacts } from './rule-matching.js';

export async function pickFault({ store }: AppDeps, c: Context<AppEnv>, stage: FaultStage): Promise<FiredFault | undefined> {
  const operation = operationOf(c.req.method, c.req.path);
  if (!operation) return undefined;
  const candidates = store.faults.candidates(stage, operation);
  if (candidates.length === 0) return undefined;

  const key = c.req.header('X-API-Key');
  const wants = (field: 'key_hash' | 'account_id' | 'product_id') => candidates.some((rule) => rule[field] !== null);
  const facts: RequestFacts = {
    key,
    keyHash: key !== undefined && wants('key_hash') ? hashKey(key) : undefined,
    accountId: key !== undefined && wants('account_id') ? ((c.get('caller') as KeyLookup | undefined)?.accountId ?? store.accounts.findByKey(key)?.accountId) : undefined,
    productId: wants('product_id') ? productIdOf(await requestBodyText(c)) : undefined,
    hasIdempotencyKey: c.req.header('Idempotency-Key') !== undefined,
  };
  const matching = candidates.filter((rule) => matches(rule, facts));
  return matching.length === 0 ? undefined : store.faults.take(matching.map((rule) => rule.id));
}

function productIdOf(body: string | null): string | undefined {
  try {
    const id = (JSON.parse(body ?? '') as { product_id?: unknown } | null)?.product_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
