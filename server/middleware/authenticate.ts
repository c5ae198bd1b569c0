/**
 * Checks 2-4 of the API's order: the key (401), the account (403), the per-key
 * rate limit (429). Failed authentications are limited per client address with
 * the same limit and window, so keys cannot be guessed at speed: once an address
 * has failed `limit` times in the window, every request from it gets 429 until
 * the window frees — a right guess included, or it would stand out.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { errors } from '../errors.js';
import type { RateRule } from '../store/rate-limit-store.js';

/** The socket's remote address; 'unknown' when there is no socket (in-process requests). */
export function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export const authenticate = (deps: AppDeps): MiddlewareHandler<AppEnv> =>
  async function authenticate(c, next) {
    const { store, clock } = deps;
    const now = clock.now();
    const settings = store.settings.getSettings();
    const rule: RateRule = { limit: settings.rate_limit, windowMs: settings.rate_window_seconds * 1000 };
    const addressSubject = `addr:${(deps.clientAddress ?? socketAddress)(c)}`;

    const blocked = store.rateLimits.peek(addressSubject, rule, now);
    if (!blocked.allowed) throw errors.rateLimited(blocked.retryAfterSeconds, rule.limit, settings.rate_window_seconds);

    const key = c.req.header('X-API-Key');
    const found = key ? store.accounts.findByKey(key) : undefined;
    if (!key || !found || found.revoked) {
      store.rateLimits.hit(addressSubject, rule, now);
      throw key ? errors.invalidKey() : errors.noKey();
    }
    if (found.status === 'suspended') throw errors.forbidden();

    const decision = store.rateLimits.hit(`key:${found.keyHash}`, rule, now);
    if (!decision.allowed) throw errors.rateLimited(decision.retryAfterSeconds, rule.limit, settings.rate_window_seconds);

    c.set('accountId', found.accountId);
    await next();
  };
