/**
 * The after-commit step of POST /purchase: the purchase ran and COMMITTED (wallet debited,
 * codes taken, idempotency record stored), and now, before its answer is written, a fault rule
 * may reset the connection, hang, or answer 500/502/504 instead. A retry with the same
 * Idempotency-Key then gets the order replayed; a retry without one buys again.
 * Only a purchase that created an order is eligible: a replay or a refusal passes untouched.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { DEFAULT_HANG_MS } from '../../spec/fault-schemas.js';
import { dropConnection, hang } from './connection.js';
import { faultAnswer } from './fault-answer.js';
import { pickFault } from './pick-fault.js';

/** @example api.use(purchaseRoute.path, afterCommitFaults(deps)) — registered before the handler, acts after it. */
export const afterCommitFaults = (deps: AppDeps): MiddlewareHandler<AppEnv> =>
  async function afterCommitFaults(c, next) {
    await next();
    const order = c.get('order');
    if (!order || order.replayed) return;
    const fault = await pickFault(deps, c, 'after_commit');
    if (!fault) return;
    c.set('fault', fault.kind);
    // Replace the answer outright (no headers carried over from the order's answer).
    const replacement =
      fault.kind === 'after_commit_error'
        ? faultAnswer(c, fault)
        : fault.kind === 'after_commit_reset'
          ? dropConnection(c, 'reset')
          : await hang(c, fault.params.max_ms ?? DEFAULT_HANG_MS);
    c.res = undefined;
    c.res = replacement;
  };
