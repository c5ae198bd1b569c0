/**
 * GET /_mock/journal/stream over a real socket: a new entry arrives as a server-sent event
 * without the client asking again; filters, after_id and Last-Event-ID; and the server stops
 * looking for entries once the client is gone.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readEvents, type ServerSentEvent } from '../server/dashboard/client/control-wire.js';
import { STREAM_POLL_MS } from '../server/control/journal-handlers.js';
import { listen, type ListeningApp } from './support/listening-app.js';

let t: ListeningApp;
beforeAll(async () => {
  t = await listen();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.control('POST', '/reset');
});

/** Opens the stream and waits for its `ready` event; next() reads the following events. */
async function follow(query = '', headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${t.origin}/_mock/journal/stream${query}`, { headers, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events = readEvents(res.body!);
  const next = async (): Promise<ServerSentEvent> => {
    const { value, done } = await events.next();
    if (done) throw new Error('the stream ended');
    return value;
  };
  expect((await next()).event).toBe('ready');
  return { next, close: () => controller.abort() };
}
const entryOf = (event: ServerSentEvent) => {
  expect(event.event).toBe('entry');
  const entry = JSON.parse(event.data);
  expect(event.id).toBe(String(entry.id));
  return entry;
};
const call = (path: string, key = 'mk_test_alice') => fetch(`${t.origin}/api/v1${path}`, { headers: { 'X-API-Key': key } }).then((r) => r.text());

describe('the journal stream', () => {
  it('delivers each new entry as it is written', async () => {
    await call('/balance'); // before the client connects: not sent
    const stream = await follow();
    try {
      await call('/products');
      expect(entryOf(await stream.next())).toMatchObject({ path: '/api/v1/products', status: 200, account_id: 'alice' });
      await call('/nowhere');
      expect(entryOf(await stream.next())).toMatchObject({ path: '/api/v1/nowhere', status: 404, error_code: 'NOT_FOUND' });
    } finally {
      stream.close();
    }
  });

  it('applies the filters', async () => {
    const stream = await follow('?account=bob&operation=getBalance');
    try {
      await call('/balance', 'mk_test_alice');
      await call('/products', 'mk_test_bob');
      await call('/balance', 'mk_test_bob');
      expect(entryOf(await stream.next())).toMatchObject({ account_id: 'bob', operation: 'getBalance' });
    } finally {
      stream.close();
    }
  });

  it('sends the entries after after_id, or after Last-Event-ID, first', async () => {
    for (const path of ['/balance', '/products', '/balance']) await call(path);
    const [newest, middle, oldest] = (await t.control('GET', '/journal')).json.entries;
    const fromId = await follow(`?after_id=${oldest.id}`);
    try {
      expect(entryOf(await fromId.next()).id).toBe(middle.id);
      expect(entryOf(await fromId.next()).id).toBe(newest.id);
    } finally {
      fromId.close();
    }
    const resumed = await follow('', { 'Last-Event-ID': String(middle.id) });
    try {
      expect(entryOf(await resumed.next()).id).toBe(newest.id);
    } finally {
      resumed.close();
    }
  });

  it('refuses a bad filter with 400 naming it', async () => {
    const res = await fetch(`${t.origin}/_mock/journal/stream?after_id=-1`);
    expect(res.status).toBe(400);
    expect((await res.json()).details[0].path).toBe('after_id');
  });

  it('stops reading the journal when the client disconnects', async () => {
    let reads = 0;
    const after = t.store.journal.after;
    t.store.journal.after = (...args) => {
      reads++;
      return after(...args);
    };
    try {
      const stream = await follow();
      await vi.waitFor(() => expect(reads).toBeGreaterThan(1), { timeout: 5000, interval: 20 });
      stream.close();
      // Once the server has noticed, the count stays put for several poll intervals.
      await vi.waitFor(
        async () => {
          const before = reads;
          await new Promise((resolve) => setTimeout(resolve, STREAM_POLL_MS * 3));
          expect(reads).toBe(before);
        },
        { timeout: 10_000, interval: 0 },
      );
    } finally {
      t.store.journal.after = after;
    }
  });
});
