/**
 * Stage 4 of the API: the per-key rate limit (429 RATE_LIMITED with Retry-After).
 * Every request that got this far counts, whatever it is answered later; a
 * request refused here does not. The limit and window are settings, read per
 * request, so PATCH /_mock/settings takes effect at once in every process.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { errors } from '../errors.js';
import type { Store } from '../store/create-store.js';
import type { RateDecision, RateRule } from '../store/rate-limit-store.js';

/** The limit and window in force now; the failed-authentication limit of the key stage uses them too. */
export function currentRateRule(store: Store): RateRule & { windowSeconds: number } {
  const { rate_limit, rate_window_seconds } = store.settings.getSettings();
  return { limit: rate_limit, windowMs: rate_window_seconds * 1000, windowSeconds: rate_window_seconds };
}

/** Throws 429 when the decision refuses; the key stage's address limit answers the same way. */
export function refuseOverLimit(decision: RateDecision, rule: ReturnType<typeof currentRateRule>): void {
  if (!decision.allowed) throw errors.rateLimited(decision.retryAfterSeconds, rule.limit, rule.windowSeconds);
}

/** @example api.use('*', rateLimit({ store, clock })) — after the key stage, which names the key. */
export const rateLimit = ({ store, clock }: Pick<AppDeps, 'store' | 'clock'>): MiddlewareHandler<AppEnv> =>
  async function rateLimit(c, next) {
    const rule = currentRateRule(store);
    refuseOverLimit(store.rateLimits.hit(`key:${c.var.caller.keyHash}`, rule, clock.now()), rule);
    await next();
  };
