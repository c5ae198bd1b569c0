// @ts-check
/**
 * The control API from the browser: the token kept for this tab, and every answer read the same
 * way — success data, or a refusal with its code, message and `details[]` (never a stack trace:
 * a non-JSON answer becomes a plain sentence with its status).
 */

const TOKEN_KEY = document.body.dataset.tokenKey || 'ai-market-sandbox.control-token';

export const token = {
  /** @returns {string | null} */
  get: () => sessionStorage.getItem(TOKEN_KEY),
  /** @param {string} value */
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/**
 * @typedef {{ path: string, message: string }} Detail
 * @typedef {{ ok: true, status: number, data: any }} Success
 * @typedef {{ ok: false, status: number, code: string, message: string, details: Detail[] }} Refusal
 * @typedef {Success | Refusal} Answer
 */

/** @type {((refusal: Refusal) => void)[]} */
const lockedListeners = [];

/** @param {(refusal: Refusal) => void} listener called when the control API answers 401: the page asks for the token. */
export const onLocked = (listener) => lockedListeners.push(listener);

/** @returns {Record<string, string>} */
export function authHeaders() {
  const value = token.get();
  return value ? { Authorization: `Bearer ${value}` } : {};
}

/**
 * A request to the control API.
 * @param {string} method
 * @param {string} path under /_mock, e.g. `/state`
 * @param {{ json?: unknown, text?: string }} [body] a value to send as JSON, or JSON text as it is (a fixture file)
 * @returns {Promise<Answer>}
 */
export async function control(method, path, body = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', ...authHeaders() };
  let payload;
  if (body.text !== undefined) payload = body.text;
  else if (body.json !== undefined) payload = JSON.stringify(body.json);
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`/_mock${path}`, { method, headers, body: payload });
  } catch {
    return { ok: false, status: 0, code: 'UNREACHABLE', message: 'The sandbox cannot be reached. Is it still running?', details: [] };
  }
  return readAnswer(res);
}

/**
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
  /** @type {Refusal} */
  const refusal = {
    ok: false,
    status: res.status,
    code: typeof data?.code === 'string' ? data.code : `HTTP_${res.status}`,
    message: typeof data?.error === 'string' ? data.error : `The sandbox answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`,
    details: Array.isArray(data?.details)
      ? data.details.filter((/** @type {any} */ d) => d && typeof d.path === 'string' && typeof d.message === 'string')
      : [],
  };
  if (res.status === 401) for (const listener of lockedListeners) listener(refusal);
  return refusal;
}
