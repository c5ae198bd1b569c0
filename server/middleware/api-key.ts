/**
 * Stage 2 of the API: the key. No X-API-Key is 401 NO_KEY; an unknown,
 * malformed or revoked one is 401 INVALID_KEY. Leaves the key's account on the
 * context as `caller` for the stages after it.
 *
 * The failed-authentication policy (this file; the control token's lock uses it too):
 * a wrong credential counts against its client address, with the rate limit's
 * limit and window. Once an address is over that limit, a request from it is
 * accepted only if its credential already authenticated from that address in the
 * last 24 hours; anything else gets 429 (limit_scope "failed_auth_address") without
 * being judged, so a guesser learns nothing, not even when a guess is right. A
 * team behind one address (NAT, a CI runner, a container network) keeps working
 * with the keys it uses; only a key new to that address waits out the window.
 * A missing credential guesses nothing and is not counted.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { errors, type AppError } from '../errors.js';
import type { AuthScope } from '../store/auth-trust-store.js';
import { currentRateRule } from './rate-limit.js';

/** How long a success from an address keeps its credential accepted there while the address is locked. */
export const TRUSTED_FOR_MS = 24 * 60 * 60 * 1000;

/** The socket's remote address; 'unknown' when there is no socket (in-process requests). */
export function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

type LimitDeps = Pick<AppDeps, 'store' | 'clock' | 'clientAddress'>;

export interface FailedAuthRefusals {
  /** The credential is wrong (counted). */
  wrong: () => AppError;
  /** The address is over its limit and the credential is not one it used before (not counted). */
  locked: (retryAfterSeconds: number, limit: number, windowSeconds: number) => AppError;
}

/**
 * The policy for one kind of credential. `judge` takes what the credential check found
 * (undefined: wrong) and the credential's hash, and returns what was found or throws the refusal.
 * @example
 *   const limit = failedAuthLimit(deps, 'key', { wrong: errors.invalidKey, locked: errors.failedAuthLimited });
 *   const caller = limit.judge(c, store.accounts.findByKey(key), (found) => found.keyHash);
 */
export function failedAuthLimit({ store, clock, clientAddress = socketAddress }: LimitDeps, scope: AuthScope, refusals: FailedAuthRefusals) {
  // Keys counted as before ('addr:'), control tokens apart: a wrong key does not lock the control API or the reverse.
  const prefix = scope === 'key' ? 'addr:' : 'ctl:';
  return {
    judge<T>(c: Context, found: T | undefined, hashOf: (found: T) => string): T {
      const now = clock.now();
      const rule = currentRateRule(store);
      const address = clientAddress(c);
      const subject = prefix + address;
      const decision = store.rateLimits.peek(subject, rule, now);
      if (!decision.allowed && !(found !== undefined && store.authTrust.isTrusted(scope, address, hashOf(found), now - TRUSTED_FOR_MS))) {
        throw refusals.locked(decision.retryAfterSeconds, rule.limit, rule.windowSeconds);
      }
      if (found === undefined) {
        // Counted in one transaction with the decision: of concurrent wrong guesses that found the
        // address one short of its limit, one is counted and answered 401, the others are locked out.
        const counted = store.rateLimits.hit(subject, rule, now);
        if (!counted.allowed) throw refusals.locked(counted.retryAfterSeconds, rule.limit, rule.windowSeconds);
        throw refusals.wrong();
      }
      // Also while locked: a key the team keeps using through a long attack stays accepted.
      store.authTrust.remember(scope, address, hashOf(found), now, now - TRUSTED_FOR_MS);
      return found;
    },
  };
}

/** @example api.use('*', apiKey({ store, clock })) — `clientAddress` defaults to the socket's address. */
export const apiKey = (deps: LimitDeps): MiddlewareHandler<AppEnv> => {
  const limit = failedAuthLimit(deps, 'key', { wrong: errors.invalidKey, locked: errors.failedAuthLimited });
  return async function apiKey(c, next) {
    const key = c.req.header('X-API-Key');
    if (!key) throw errors.noKey();
    const found = deps.store.accounts.findByKey(key);
    c.set('caller', limit.judge(c, found && !found.revoked ? found : undefined, (f) => f.keyHash));
    await next();
  };
};
