/**
 * The journal stage: wraps every request to /api/v1 (404/405 and 401/429 included, and every
 * fault) and records it with its answer once the answer is ready. The later stages leave what
 * only they know on the context: the account (the key stage, apiKey), the order (the purchase handler),
 * the fault (server/faults/). A journal that cannot be written never costs the client its answer.
 * The entry is one INSERT in the event-loop turn's shared transaction, often the very one that
 * holds the request's own checks; its answer leaves after that transaction commits.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import type { KeyLookup } from '../store/accounts-store.js';
import { hashKey, shownPrefix } from '../store/random-ids.js';
import type { AppliedFault } from './journal-entry.js';
import { operationOf } from './operation.js';
import { requestBodyText } from './request-body.js';

/** Bodies are kept up to this many characters. */
export const JOURNAL_BODY_CHARS = 4096;

/** Faults after which the client got no answer at all (status 0 in the journal). */
const NO_ANSWER = new Set<AppliedFault>(['close_before', 'reset_before', 'hang', 'after_commit_reset', 'after_commit_hang']);

const truncate = (text: string | null, max = JOURNAL_BODY_CHARS) => (text !== null && text.length > max ? text.slice(0, max) : text);

/** @example app.use(`${API_PREFIX}/*`, journalStage(deps)) — before the 404/405 gate. */
export const journalStage = ({ store, clock }: AppDeps): MiddlewareHandler<AppEnv> =>
  async function journalStage(c, next) {
    const at = clock.now();
    const started = performance.now();
    await next();
    try {
      const fault = c.get('fault') ?? null;
      const answered = fault === null || !NO_ANSWER.has(fault);
      const responseBody = answered ? await answerText(c) : null;
      const status = answered ? c.res.status : 0;
      const key = c.req.header('X-API-Key');
      // The key stage's lookup when it ran; otherwise (a fault, a 404, a bad key) the store's, if it knows the key.
      const found = (c.get('caller') as KeyLookup | undefined) ?? (key ? store.accounts.findByKey(key) : undefined);
      const order = c.get('order');
      store.journal.record({
        at,
        method: c.req.method,
        // A junk path or header can be long; the journal keeps what a reader needs (the view's bounds).
        path: truncate(c.req.path, 2048)!,
        operation: operationOf(c.req.method, c.req.path),
        accountId: found?.accountId ?? null,
        keyPrefix: key === undefined ? null : shownPrefix(key),
        keyHash: found?.keyHash ?? (key === undefined ? null : hashKey(key)),
        idempotencyKey: truncate(c.req.header('Idempotency-Key') ?? null, 1024),
        requestBody: truncate(await requestBodyText(c)),
        status,
        errorCode: status >= 400 ? codeOf(responseBody) : null,
        responseBody: truncate(responseBody),
        latencyMs: Math.round(performance.now() - started),
        fault,
        orderId: order?.id ?? null,
        replayed: order?.replayed ?? false,
      });
      // The entry joined the turn's transaction (server/store/turn-transaction.ts): the answer leaves
      // once it is committed, so whoever reads the journal after an answer finds it there.
      await store.turn.committed();
    } catch (error) {
      console.error(`[${c.get('requestId')}] the journal could not record ${c.req.method} ${c.req.path}:`, error);
    }
  };

/** The answer's text: as sent (server/json-text.ts: sendText), or read from a copy of the response. */
async function answerText(c: Context<AppEnv>): Promise<string> {
  const answer = c.get('answer');
  return answer?.response === c.res ? answer.text : c.res.clone().text();
}

function codeOf(body: string | null): string | null {
  if (!body?.startsWith('{')) return null;
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}
