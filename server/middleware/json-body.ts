/**
 * Stage 5 of the API: the body. At most `maxBytes`: a larger one is 413
 * PAYLOAD_TOO_LARGE, answered without reading the rest (at once when its
 * Content-Length says so) and with Connection: close, since the unread rest
 * leaves the connection unusable (server/http/harden-server.ts reads and drops
 * it for a while, so the client gets the answer rather than a reset). Then sent
 * as application/json, JSON the schema accepts; anything else is 400 VALIDATION
 * naming the field, never a 500. The parsed body is what the handler's
 * `c.req.valid('json')` returns.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import type { AppEnv } from '../app-env.js';
import { bodyProblems, clientClosed, errors, zodDetails } from '../errors.js';

/** application/json, or a +json type, with optional parameters (charset); the rule of the router's own validator. */
const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/** @example api.use('/purchase', jsonBody({ schema: PurchaseRequest, maxBytes: 16 * 1024 })) */
export const jsonBody = <S extends z.ZodType<object>>({ schema, maxBytes }: { schema: S; maxBytes: number }) => {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw errors.payloadTooLarge(maxBytes);
    },
  });
  const handler: MiddlewareHandler<AppEnv, string, { out: { json: z.output<S> } }> = async function jsonBody(c, next) {
    const parse = async () => {
      if (!JSON_MEDIA_TYPE.test(c.req.header('Content-Type') ?? '')) throw errors.badBody(bodyProblems.notJsonType);
      let value: unknown;
      try {
        value = await c.req.json();
      } catch (error) {
        if (clientClosed(c, error)) throw error; // an aborted upload, not bad JSON: onError logs it
        throw errors.badBody(bodyProblems.notJson);
      }
      const result = schema.safeParse(value);
      if (!result.success) throw errors.validation(zodDetails(result.error));
      c.req.addValidatedData('json', result.data);
      await next();
    };
    // With a Content-Length (and no chunking) the HTTP parser delivers exactly that many bytes: checking
    // the header is the limit, and the body is read straight from the socket. bodyLimit wraps the body
    // in web streams to count it as it comes, which only a chunked body needs.
    const declared = c.req.header('Content-Length');
    if (declared === undefined || c.req.header('Transfer-Encoding') !== undefined) return limit(c, parse);
    // Over the limit: 413 at once, nothing read (Connection: close; the HTTP layer drains a bounded rest).
    if (!(Number(declared) <= maxBytes)) throw errors.payloadTooLarge(maxBytes);
    await parse();
  };
  return handler;
};
