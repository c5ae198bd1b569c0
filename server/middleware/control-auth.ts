/**
 * Locks the control API with a bearer token when one is configured. Written by
 * hand instead of hono/bearer-auth because every failure must be the same JSON
 * 401 CONTROL_UNAUTHORIZED (bearer-auth answers a malformed header with 400).
 */
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { controlErrors } from '../errors.js';

export const controlAuth = (token: string | undefined): MiddlewareHandler =>
  async function controlAuth(c, next) {
    if (token) {
      const given = /^Bearer (.+)$/i.exec(c.req.header('Authorization') ?? '')?.[1] ?? '';
      const a = Buffer.from(given);
      const b = Buffer.from(token);
      if (a.length !== b.length || !timingSafeEqual(a, b)) {
        throw controlErrors.unauthorized();
      }
    }
    await next();
  };
