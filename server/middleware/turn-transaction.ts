/**
 * Stage 0 of the API: the request's synchronous checks (key, suspension, rate
 * limit, reads) join the transaction the requests of this event-loop turn share,
 * and its answer leaves once that transaction has committed: a group commit, one
 * transaction per turn instead of several per request (server/store/turn-transaction.ts).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppDeps } from '../app-env.js';

/** @example api.use('*', turnTransaction(deps)) — before every other stage. */
export const turnTransaction = ({ store }: Pick<AppDeps, 'store'>): MiddlewareHandler =>
  async function turnTransaction(_c, next) {
    store.turn.enter();
    const mark = store.turn.mark();
    await next();
    await store.turn.committed();
    // A turn this request had work in may have committed (or failed) while it awaited something.
    if (store.turn.failedSince(mark)) throw new Error('a transaction holding this request\'s work failed to commit');
  };
