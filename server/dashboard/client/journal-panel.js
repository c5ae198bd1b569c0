// @ts-check
/**
 * The request journal: GET /_mock/journal (filtered by account, status and error code), then live
 * from the SSE stream GET /_mock/journal/stream. The stream is read with fetch, not EventSource,
 * because EventSource cannot send the Authorization header a locked control API wants.
 * On a server without the journal (404) the panel says so and stays quiet.
 */
import { authHeaders, control, readAnswer } from './api.js';
import { $, el, formatTime, onSubmit, text } from './dom.js';

/**
 * @typedef {{ id: number, at: string | number, method: string, path: string, operation: string | null,
 *   account_id: string | null, key_prefix: string | null, idempotency_key: string | null, request_body: string | null,
 *   status: number, error_code: string | null, response_body: string | null, latency_ms: number, fault: string | null,
 *   order_id: string | null, replayed: boolean }} JournalEntry
 * @typedef {{ account?: string, status?: string, code?: string }} Filter
 */

/** How many entries the list keeps; older ones drop off the end. */
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

/** @param {string | number} at epoch milliseconds or ISO time (virtual clock) */
const when = (at) => {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return { short: String(at), full: String(at) };
  return { short: date.toISOString().slice(11, 19), full: formatTime(date.toISOString()) };
};

/**
 * @param {{ onRequest: () => void }} options onRequest: a new request arrived (balances may have changed)
 */
export function createJournalPanel({ onRequest }) {
  const panel = $('#journal');
  const list = $('#journal-list');
  const live = $('#journal-live');
  const filterForm = /** @type {HTMLFormElement} */ ($('#journal-filter'));
  /** @type {Filter} */
  let filter = {};
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
    return el(
      'li',
      { 'data-entry': entry.id },
      el(
        'details',
        {},
        el(
          'summary',
          {},
          el('span', { class: 'meta', title: when(entry.at).full }, when(entry.at).short),
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
              `${entry.method} ${entry.path}`,
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
              entry.status === 0 ? 'no answer (the connection was closed)' : `status ${entry.status}`,
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

  /** @param {string} message */
  const unavailable = (message) => {
    stop();
    const note = $('.unavailable', panel);
    note.textContent = message;
    note.hidden = false;
    filterForm.hidden = true;
    list.replaceChildren();
    live.textContent = '';
  };

  function stop() {
    stream?.abort();
    stream = undefined;
    clearTimeout(retry);
  }

  /** @param {JournalEntry} entry */
  function arrived(entry) {
    onRequest();
    arrivedDuringLoad?.push(entry);
    if (shown.has(entry.id) || !matches(entry)) return;
    shown.add(entry.id);
    list.prepend(item(entry));
    while (list.children.length > KEPT) list.lastElementChild?.remove();
    list.querySelector('.empty')?.remove();
  }

  async function connect() {
    stop();
    const abort = new AbortController();
    stream = abort;
    const again = () => {
      if (stream !== abort) return;
      live.textContent = 'Live updates interrupted; reconnecting…';
      retry = setTimeout(connect, RETRY_MS);
    };
    let res;
    try {
      res = await fetch('/_mock/journal/stream', { headers: { Accept: 'text/event-stream', ...authHeaders() }, signal: abort.signal });
    } catch {
      return again();
    }
    if (res.status === 404) {
      live.textContent = 'Live updates are not available on this server: use Refresh.';
      return;
    }
    if (!res.ok || !res.body) {
      await readAnswer(res);
      return res.status === 401 ? undefined : again();
    }
    live.textContent = 'Live: new requests appear here as they arrive.';
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event
            .split('\n')
            .map((line) => line.replace(/\r$/, ''))
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).replace(/^ /, ''))
            .join('\n');
          if (!data) continue;
          try {
            arrived(JSON.parse(data));
          } catch {
            // Not an entry (a comment or keep-alive): nothing to show.
          }
        }
      }
    } catch {
      // Aborted or the connection dropped.
    }
    again();
  }

  async function load() {
    /** @type {string[][]} */
    const query = [['limit', '100'], ['order', 'newest']];
    for (const [name, value] of Object.entries(filter)) if (value !== undefined) query.push([name, value]);
    const load = ++loads;
    /** @type {JournalEntry[]} */
    const during = [];
    arrivedDuringLoad = during;
    const answer = await control('GET', `/journal?${new URLSearchParams(query)}`);
    if (load !== loads) return answer; // a newer filter was asked for meanwhile
    arrivedDuringLoad = undefined;
    if (!answer.ok) {
      if (answer.status === 404) unavailable('The request journal is not available on this server.');
      else if (answer.status !== 401) live.textContent = `The journal could not be read: ${answer.message} (${answer.code})`;
      return answer;
    }
    $('.unavailable', panel).hidden = true;
    filterForm.hidden = false;
    /** @type {JournalEntry[]} */
    const read = Array.isArray(answer.data?.entries) ? answer.data.entries : [];
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
    (form) => {
      filter = { account: text(form, 'account'), status: text(form, 'status'), code: text(form, 'code') };
      return load();
    },
    () => {},
  );

  return { load, stop };
}
