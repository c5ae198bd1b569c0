/** Stage 3 of the API: a suspended account gets 403 FORBIDDEN on every endpoint, before its rate limit is counted. */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { errors } from '../errors.js';

/** @example api.use('*', refuseSuspended()) — after the key stage, which names the account. */
export const refuseSuspended = (): MiddlewareHandler<AppEnv> =>
  async function refuseSuspended(c, next) {
    if (c.var.caller.status === 'suspended') throw errors.forbidden();
    await next();
  };
