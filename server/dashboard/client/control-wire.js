// @ts-check
/**
 * The control API on the wire, read one way everywhere: a request with the token, an answer that is
 * success data or a refusal with its code, message and `details[]`, query strings, and the journal's
 * server-sent events. Plain JavaScript with no Node or DOM-only APIs, because it runs in two places:
 * in the browser (the dashboard serves it beside its other client modules) and in Node (the typed
 * control client of startSandbox, server/sandbox/control-client.ts, and the `journal` command).
 */

/**
 * @typedef {{ path: string, message: string }} Detail
 * @typedef {{ ok: true, status: number, data: any }} Success
 * @typedef {{ ok: false, status: number, code: string, message: string, details: Detail[] }} Refusal
 * @typedef {Success | Refusal} Answer
 * @typedef {{ event: string, data: string, id?: string }} ServerSentEvent
 */

/**
 * The Authorization header a locked control API wants; none without a token.
 * @param {string | null | undefined} token
 * @returns {Record<string, string>}
 */
export const bearer = (token) => (token ? { Authorization: `Bearer ${token}` } : {});

/**
 * A query string from the given values: empty ones are left out; `''` when none is left.
 * @param {Record<string, string | number | boolean | null | undefined>} values
 * @example searchOf({ status: 403, account: undefined }) // '?status=403'
 */
export function searchOf(values) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * One request to the control API. A network failure rejects (each caller says it its own way).
 * @param {{ root: string, token?: string | null }} target root: the control API, e.g. `http://127.0.0.1:8080/_mock`, or `/_mock` in the page
 * @param {string} method
 * @param {string} path under the root, e.g. `/state`
 * @param {{ json?: unknown, text?: string }} [body] a value to send as JSON, or JSON text as it is (a fixture file)
 * @returns {Promise<Answer>}
 */
export async function sendControl(target, method, path, body = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', ...bearer(target.token) };
  const payload = body.text !== undefined ? body.text : body.json !== undefined ? JSON.stringify(body.json) : undefined;
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  return readAnswer(await fetch(`${target.root}${path}`, { method, headers, body: payload }));
}

/**
 * An answer as data or a refusal; a refusal without the control API's error shape (a proxy's page)
 * becomes a plain sentence with its status, never its raw text.
 * @param {Response} res
 * @returns {Promise<Answer>}
 */
export async function readAnswer(res) {
  const text = await res.text().catch(() => '');
  /** @type {any} */
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (res.ok) return { ok: true, status: res.status, data };
  return {
    ok: false,
    status: res.status,
    code: typeof data?.code === 'string' ? data.code : `HTTP_${res.status}`,
    message: typeof data?.error === 'string' ? data.error : `The sandbox answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`,
    details: Array.isArray(data?.details)
      ? data.details.filter((/** @type {any} */ d) => d && typeof d.path === 'string' && typeof d.message === 'string')
      : [],
  };
}

/**
 * A server-sent event stream (text/event-stream) from a fetch body, one event at a time; comments
 * (the stream's keep-alives) are skipped. Stopping early, or the body failing, cancels the body.
 * @param {ReadableStream<Uint8Array>} body
 * @returns {AsyncGenerator<ServerSentEvent>}
 * @example for await (const e of readEvents(res.body)) if (e.event === 'entry') show(JSON.parse(e.data));
 */
export async function* readEvents(body) {
  // A reader, not `for await` over the body: not every browser can iterate a stream.
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const event = parseBlock(block);
        if (event) yield event;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * @param {string} block
 * @returns {ServerSentEvent | undefined}
 */
function parseBlock(block) {
  let event = 'message';
  /** @type {string | undefined} */
  let id;
  /** @type {string[]} */
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue; // a comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (data.length === 0 && event === 'message') return undefined;
  return id === undefined ? { event, data: data.join('\n') } : { event, data: data.join('\n'), id };
}
