/**
 * JSON text that is known to encode a T. An idempotent replay must send the
 * first answer's exact bytes, so the purchase's body is rendered once, stored as
 * text and sent as text; this type keeps that text tied to the spec's body type,
 * so the handler's answer is still checked against the route's responses.
 */
import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';

declare const encodes: unique symbol;

export type JsonText<T> = string & { readonly [encodes]: T };

/** @example const text = toJsonText<PurchaseBody>({ success: true, ... }) // a type error if the body does not fit */
export const toJsonText = <T>(value: T) => JSON.stringify(value) as JsonText<T>;

/**
 * Sends the text unchanged (c.json would serialize again), typed as the JSON
 * response c.json would have made of the value it encodes.
 */
export function sendJsonText<T, S extends ContentfulStatusCode>(c: Context, text: JsonText<T>, status: S, headers: Record<string, string> = {}) {
  const response = sendText(c, text, status, { ...headers, 'Content-Type': 'application/json' });
  return response as Response & TypedResponse<JSONParsed<T>, S, 'json'>;
}

/**
 * Sends the text as the answer and keeps it on the context (`answer`), for the journal
 * (server/journal/journal-stage.ts). Reading it back from the Response would mean cloning it:
 * that turns @hono/node-server's string answer into a stream on both sides, measured as a third
 * of a keyed GET's cost. Every answer of the API goes through here.
 */
export function sendText(c: Context, text: string, status: ContentfulStatusCode, headers: Record<string, string>): Response {
  const response = c.body(text, status, headers);
  c.set('answer', { response, text });
  return response;
}
