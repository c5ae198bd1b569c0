// @ts-check
/**
 * The control API from the page: the token kept for this tab, sent with every call, and a 401
 * handed to whoever asks for the token. Requests and answers are read by control-wire.js, the
 * module startSandbox's control client uses too.
 */
import { bearer, readAnswer, sendControl } from './control-wire.js';

/**
 * @typedef {import('./control-wire.js').Refusal} Refusal
 * @typedef {import('./control-wire.js').Answer} Answer
 */

const TOKEN_KEY = document.body.dataset.tokenKey || 'ai-market-sandbox.control-token';

export const token = {
  /** @returns {string | null} */
  get: () => sessionStorage.getItem(TOKEN_KEY),
  /** @param {string} value */
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** @type {((refusal: Refusal) => void)[]} */
const lockedListeners = [];

/** @param {(refusal: Refusal) => void} listener called when the control API answers 401: the page asks for the token. */
export const onLocked = (listener) => lockedListeners.push(listener);

/** @returns {Record<string, string>} */
export const authHeaders = () => bearer(token.get());

/**
 * A request to the control API; never rejects: a sandbox that cannot be reached is a refusal too.
 * @param {string} method
 * @param {string} path under /_mock, e.g. `/state`
 * @param {{ json?: unknown, text?: string }} [body] a value to send as JSON, or JSON text as it is (a fixture file)
 * @returns {Promise<Answer>}
 */
export async function control(method, path, body = {}) {
  /** @type {Answer} */
  let answer;
  try {
    answer = await sendControl({ root: '/_mock', token: token.get() }, method, path, body);
  } catch {
    return { ok: false, status: 0, code: 'UNREACHABLE', message: 'The sandbox cannot be reached. Is it still running?', details: [] };
  }
  return locked(answer);
}

/**
 * An answer read elsewhere (the journal's stream): a 401 asks for the token.
 * @param {Response} res
 */
export const answerOf = async (res) => locked(await readAnswer(res));

/** @param {Answer} answer */
function locked(answer) {
  if (!answer.ok && answer.status === 401) for (const listener of lockedListeners) listener(answer);
  return answer;
}
