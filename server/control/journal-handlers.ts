/**
 * Control API: the request journal — read with filters, follow as server-sent events, clear.
 * The stream polls the database (not an in-process event), so it also delivers what other
 * processes on the same file write; it stops when the client disconnects.
 */
import type { RouteHandler } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { z } from 'zod';
import type { clearJournalRoute, getJournalRoute, streamJournalRoute } from '../../spec/control-routes.js';
import type { JournalStreamQuery } from '../../spec/journal-schemas.js';
import type { AppDeps } from '../app-env.js';
import type { JournalFilter } from '../journal/journal-entry.js';
import { journalEntryView } from './fault-views.js';

/** How often a follower looks for new entries. */
export const STREAM_POLL_MS = 150;
/** A comment line this often keeps proxies from closing an idle stream and finds dead clients. */
const KEEP_ALIVE_MS = 15_000;

type Filters = Pick<z.output<typeof JournalStreamQuery>, 'account' | 'key_prefix' | 'operation' | 'status' | 'code' | 'idempotency_key'>;

const filterOf = (q: Filters): JournalFilter => ({
  accountId: q.account,
  keyPrefix: q.key_prefix,
  operation: q.operation,
  status: q.status,
  errorCode: q.code,
  idempotencyKey: q.idempotency_key,
});

export const getJournalHandler =
  ({ store }: AppDeps): RouteHandler<typeof getJournalRoute> =>
  (c) => {
    const q = c.req.valid('query');
    const entries = store.journal.list({ ...filterOf(q), since: q.since, until: q.until, limit: q.limit, order: q.order });
    return c.json({ entries: entries.map(journalEntryView) }, 200);
  };

export const streamJournalHandler =
  ({ store }: AppDeps): RouteHandler<typeof streamJournalRoute> =>
  (c) => {
    const q = c.req.valid('query');
    const filter = filterOf(q);
    const lastEventId = Number(c.req.header('Last-Event-ID'));
    let last = q.after_id ?? (Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? lastEventId : store.journal.lastId());
    const gone = () => c.req.raw.signal.aborted;
    return streamSSE(c, async (stream) => {
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ after_id: last }) });
      let quietSince = Date.now();
      while (!stream.aborted && !stream.closed && !gone()) {
        const entries = store.journal.after(last, filter);
        for (const entry of entries) {
          await stream.writeSSE({ event: 'entry', id: String(entry.id), data: JSON.stringify(journalEntryView(entry)) });
          last = entry.id;
        }
        if (entries.length > 0) quietSince = Date.now();
        else if (Date.now() - quietSince >= KEEP_ALIVE_MS) {
          await stream.write(': keep-alive\n\n');
          quietSince = Date.now();
        }
        if (entries.length < 500) await stream.sleep(STREAM_POLL_MS);
      }
    }) as never;
  };

export const clearJournalHandler =
  ({ store }: AppDeps): RouteHandler<typeof clearJournalRoute> =>
  (c) => {
    const removed = store.journal.clear();
    return c.json({ ok: true as const, message: `Removed ${removed} journal entr${removed === 1 ? 'y' : 'ies'}.` }, 200);
  };
