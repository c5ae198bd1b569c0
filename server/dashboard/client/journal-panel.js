// @ts-check
/**
 * The request journal: GET /_mock/journal (filtered by account, status and error code), then live
 * from the stream GET /_mock/journal/stream, whose `entry` events carry one entry each (the same
 * view as the list). The stream is read with fetch, not EventSource, because EventSource cannot
 * send the Authorization header a locked control API wants. It starts after the newest entry
 * already seen (after_id), so nothing written between the list and the stream is lost, and a
 * reconnect picks up where it stopped (ids never go back, even after a clear).
 */
import { answerOf, authHeaders, control } from './api.js';
import { readEvents, searchOf } from './control-wire.js';
import { $, clearResult, el, formatTime, onSubmit, text } from './dom.js';

/**
 * @typedef {import('../../../spec/generated/control-types.js').components['schemas']['JournalEntry']} JournalEntry
 * @typedef {{ account?: string, status?: string, code?: string }} Filter
 */

/** How many entries the list reads, and keeps as more arrive (older ones drop off the end). */
const READ = 100;
const KEPT = 200;
const RETRY_MS = 3000;

/** @param {string | null} body */
const pretty = (body) => {
  if (body === null || body === '') return '(none)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
};

/** @param {Filter} filter */
const unfiltered = (filter) => Object.values(filter).every((value) => value === undefined);

/**
 * @param {{ onRequest: () => void }} options onRequest: a new request arrived (balances may have changed)
 */
export function createJournalPanel({ onRequest }) {
  const list = $('#journal-list');
  const live = $('#journal-live');
  const filterForm = /** @type {HTMLFormElement} */ ($('#journal-filter'));
  /** @type {Filter} */
  let filter = {};
  /** The newest entry id seen, from an unfiltered list or the stream: where the stream starts. */
  /** @type {number | undefined} */
  let lastId;
  /** @type {AbortController | undefined} */
  let stream;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retry;
  const shown = new Set();
  /** Entries that arrive live while the list is being read again: merged into it, not lost. */
  /** @type {JournalEntry[] | undefined} */
  let arrivedDuringLoad;
  let loads = 0;

  /** @param {JournalEntry} entry */
  const matches = (entry) =>
    (filter.account === undefined || entry.account_id === filter.account) &&
    (filter.status === undefined || String(entry.status) === filter.status) &&
    (filter.code === undefined || entry.error_code === filter.code);

  /** @param {JournalEntry} entry */
  const item = (entry) => {
    const statusClass = `status s${String(entry.status).charAt(0)}`;
    const time = formatTime(entry.at);
    return el(
      'li',
      { 'data-entry': entry.id },
      el(
        'details',
        {},
        el(
          'summary',
          {},
          el('span', { class: 'meta', title: time }, time.slice(11, 19)),
          el('span', { class: 'path' }, `${entry.method} ${entry.path}`),
          el('span', { class: statusClass }, entry.status === 0 ? 'no answer' : entry.status),
          entry.error_code && el('code', {}, entry.error_code),
          el('span', { class: 'meta' }, entry.account_id ?? (entry.key_prefix ? `${entry.key_prefix}…` : 'no key')),
          el('span', { class: 'meta' }, `${entry.latency_ms} ms`),
          entry.fault && el('span', { class: 'status s5' }, `fault: ${entry.fault}`),
          entry.replayed && el('span', { class: 'meta' }, 'replayed'),
        ),
        el(
          'div',
          { class: 'exchange' },
          el(
            'div',
            {},
            el('h4', {}, 'Request'),
            el(
              'p',
              { class: 'meta' },
              `${time} · ${entry.method} ${entry.path}`,
              entry.key_prefix && ` · key ${entry.key_prefix}…`,
              entry.idempotency_key !== null && ` · Idempotency-Key ${entry.idempotency_key}`,
              entry.operation && ` · ${entry.operation}`,
            ),
            el('pre', { class: 'request-body' }, pretty(entry.request_body)),
          ),
          el(
            'div',
            {},
            el('h4', {}, 'Answer'),
            el(
              'p',
              { class: 'meta' },
              entry.status === 0 ? 'no answer (the connection was closed or left hanging)' : `status ${entry.status}`,
              entry.order_id && ` · order ${entry.order_id}`,
              entry.replayed && ' · idempotent replay',
              entry.fault && ` · fault ${entry.fault}`,
            ),
            el('pre', { class: 'response-body' }, pretty(entry.response_body)),
          ),
        ),
      ),
    );
  };

  function stop() {
    stream?.abort();
    stream = undefined;
    clearTimeout(retry);
  }

  /** @param {JournalEntry} entry */
  function arrived(entry) {
    lastId = Math.max(lastId ?? 0, entry.id);
    onRequest();
    arrivedDuringLoad?.push(entry);
    if (shown.has(entry.id) || !matches(entry)) return;
    shown.add(entry.id);
    list.querySelector('.empty')?.remove();
    list.prepend(item(entry));
    while (list.children.length > KEPT) list.lastElementChild?.remove();
  }

  async function connect() {
    stop();
    const abort = new AbortController();
    stream = abort;
    const again = () => {
      if (stream !== abort) return; // stopped, or another connection took over
      live.textContent = 'Live updates interrupted; reconnecting…';
      retry = setTimeout(connect, RETRY_MS);
    };
    let res;
    try {
      res = await fetch(`/_mock/journal/stream${searchOf({ after_id: lastId })}`, {
        headers: { Accept: 'text/event-stream', ...authHeaders() },
        signal: abort.signal,
      });
    } catch {
      return again();
    }
    if (!res.ok || !res.body) {
      const refusal = await answerOf(res);
      if (refusal.status === 401) return; // the page asks for the token, then loads again
      live.textContent = `Live updates failed: ${refusal.ok ? 'no stream' : `${refusal.message} (${refusal.code})`}`;
      return again();
    }
    live.textContent = 'Live: new requests appear here as they arrive.';
    try {
      for await (const event of readEvents(res.body)) {
        if (event.event === 'entry') arrived(JSON.parse(event.data));
      }
    } catch {
      // Stopped, or the connection dropped.
    }
    again();
  }

  /**
   * Reads the list with a filter (the current one by default), which stays in force when the
   * control API accepts it; a refused filter comes back with the details of its fields.
   * @param {Filter} [next]
   */
  async function load(next = filter) {
    const load = ++loads;
    /** @type {JournalEntry[]} */
    const during = [];
    arrivedDuringLoad = during;
    const answer = await control('GET', `/journal${searchOf({ limit: READ, order: 'newest', ...next })}`);
    if (load !== loads) return answer; // a newer read was asked for meanwhile
    arrivedDuringLoad = undefined;
    if (!answer.ok) {
      if (answer.status !== 401 && answer.details.length === 0) live.textContent = `The journal could not be read: ${answer.message} (${answer.code})`;
      return answer;
    }
    filter = next;
    /** @type {JournalEntry[]} */
    const read = answer.data.entries;
    // A filtered list's newest entry is not the journal's newest: only an unfiltered one tells where the stream starts.
    if (unfiltered(next) || lastId !== undefined) lastId = Math.max(lastId ?? 0, ...read.map((entry) => entry.id));
    const readIds = new Set(read.map((entry) => entry.id));
    const entries = [...during.filter((entry) => matches(entry) && !readIds.has(entry.id)), ...read].sort((a, b) => b.id - a.id);
    shown.clear();
    for (const entry of entries) shown.add(entry.id);
    list.replaceChildren(...(entries.length ? entries.map(item) : [el('li', { class: 'empty' }, 'No requests recorded yet.')]));
    if (!stream) void connect();
    return answer;
  }

  onSubmit(
    filterForm,
    (form) => load({ account: text(form, 'account'), status: text(form, 'status'), code: text(form, 'code') }),
    (_, form) => clearResult(form),
  );

  return { load, stop };
}
