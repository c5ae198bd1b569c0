/**
 * Stage 6 of the API: the Idempotency-Key header, when sent, is 1-255 printable
 * ASCII characters (400 VALIDATION otherwise). What it means — a replay, or a
 * key reused with another body — is decided inside the purchase's transaction.
 * The key is what the handler's `c.req.valid('header')['Idempotency-Key']` returns.
 */
import type { MiddlewareHandler } from 'hono';
import { IdempotencyKey } from '../../spec/api-schemas.js';
import type { AppEnv } from '../app-env.js';
import { errors } from '../errors.js';

/** @example api.use('/purchase', idempotencyKey()) — after the body stage. */
export const idempotencyKey = (): MiddlewareHandler<AppEnv, string, { out: { header: { 'Idempotency-Key'?: string } } }> =>
  async function idempotencyKey(c, next) {
    const key = c.req.header('Idempotency-Key');
    if (key !== undefined) {
      const parsed = IdempotencyKey.safeParse(key);
      if (!parsed.success) throw errors.validation([{ path: 'Idempotency-Key', message: parsed.error.issues[0]?.message ?? 'invalid' }]);
    }
    c.req.addValidatedData('header', { 'Idempotency-Key': key });
    await next();
  };
