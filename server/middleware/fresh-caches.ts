/**
 * Before anything else in a control request: notice what other processes on the
 * database file committed since the last look, so that no per-process cache
 * (settings, the clock's offset, key lookups) answers this request from before it.
 * One `PRAGMA data_version` per request; see server/store/change-watch.ts. (API
 * requests look when the turn's transaction begins: middleware/turn-transaction.ts.)
 * After it, the answer waits for the turn's transaction open then to commit.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppDeps } from '../app-env.js';

/** @example control.use('*', freshCaches(deps)) — first, before anything reads the store. */
export const freshCaches = ({ store }: Pick<AppDeps, 'store'>): MiddlewareHandler =>
  async function freshCaches(_c, next) {
    store.changes.look();
    await next();
    // What the request wrote in the turn's transaction (a counted wrong token, a trusted one, a
    // write nested in it) is committed before its answer leaves, as for the API.
    await store.turn.committed();
  };
