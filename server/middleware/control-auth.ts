/**
 * Locks the control API (and its OpenAPI document) with a bearer token when one is
 * configured. Written by hand instead of hono/bearer-auth because every failure
 * must be the same JSON 401 CONTROL_UNAUTHORIZED (bearer-auth answers a malformed
 * header with 400). Wrong tokens are limited per client address by the API key's
 * failed-authentication policy (api-key.ts): past the limit, 429
 * CONTROL_RATE_LIMITED unless the token already worked from that address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppDeps } from '../app-env.js';
import { controlErrors } from '../errors.js';
import { failedAuthLimit } from './api-key.js';

/** @example control.use('*', controlAuth({ store, clock, controlToken: 'from-config' })) */
export const controlAuth = (deps: Pick<AppDeps, 'store' | 'clock' | 'clientAddress' | 'controlToken'>): MiddlewareHandler => {
  const token = deps.controlToken;
  if (!token) {
    return async function controlAuth(_c, next) {
      await next();
    };
  }
  const expected = Buffer.from(token);
  const tokenHash = createHash('sha256').update(token).digest('hex');
  const limit = failedAuthLimit(deps, 'control', { wrong: controlErrors.unauthorized, locked: controlErrors.rateLimited });
  return async function controlAuth(c, next) {
    const given = /^Bearer (.+)$/i.exec(c.req.header('Authorization') ?? '')?.[1];
    if (given === undefined) throw controlErrors.unauthorized();
    const a = Buffer.from(given);
    const right = a.length === expected.length && timingSafeEqual(a, expected);
    limit.judge(c, right ? true : undefined, () => tokenHash);
    await next();
  };
};
