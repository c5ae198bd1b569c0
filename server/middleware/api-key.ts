/**
 * Stage 2 of the API: the key. No X-API-Key is 401 NO_KEY; an unknown,
 * malformed or revoked one is 401 INVALID_KEY. Failed authentications are
 * limited per client address with the rate limit's limit and window, so keys
 * cannot be guessed at speed: once an address has failed `limit` times in the
 * window, every request from it gets 429 until the window frees — a right guess
 * included, or it would stand out. Leaves the key's account on the context as
 * `caller` for the stages after it.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { errors } from '../errors.js';
import { currentRateRule, refuseOverLimit } from './rate-limit.js';

/** The socket's remote address; 'unknown' when there is no socket (in-process requests). */
export function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** @example api.use('*', apiKey({ store, clock })) — `clientAddress` defaults to the socket's address. */
export const apiKey = ({ store, clock, clientAddress = socketAddress }: Pick<AppDeps, 'store' | 'clock' | 'clientAddress'>): MiddlewareHandler<AppEnv> =>
  async function apiKey(c, next) {
    const now = clock.now();
    const rule = currentRateRule(store);
    const address = `addr:${clientAddress(c)}`;
    refuseOverLimit(store.rateLimits.peek(address, rule, now), rule);

    const key = c.req.header('X-API-Key');
    const found = key ? store.accounts.findByKey(key) : undefined;
    if (!key || !found || found.revoked) {
      store.rateLimits.hit(address, rule, now);
      throw key ? errors.invalidKey() : errors.noKey();
    }
    c.set('caller', found);
    await next();
  };
