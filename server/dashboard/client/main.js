// @ts-check
/**
 * The dashboard's client: reads the state through the control API and renders it; asks for the
 * control token when the control API answers 401; wires the panels together.
 */
import { control, onLocked, token } from './api.js';
import { $, showRefusal, text } from './dom.js';
import { createFaultsPanel } from './faults-panel.js';
import { createJournalPanel } from './journal-panel.js';
import { createStatePanels } from './state-panels.js';

const main = $('#dashboard');
const tokenPanel = $('#token-panel');
const notice = $('#notice');
const forget = $('#forget-token');

/**
 * @param {string} message
 * @param {boolean} [isError]
 */
function notify(message, isError = false) {
  notice.textContent = message;
  notice.className = isError ? 'notice error' : 'notice';
  notice.hidden = false;
}

async function refresh() {
  const answer = await control('GET', '/state');
  if (answer.ok) {
    states.render(answer.data);
  } else if (answer.status !== 401) {
    notify(`The state could not be read: ${answer.message} (${answer.code})`, true);
  }
  return answer;
}

const states = createStatePanels({ refresh: async () => void (await refresh()), reloadAll: async () => void (await loadAll()), notify });

/** Balances, stock and the fault rules' counts move when API requests arrive: read them again, at most every half second. */
let pending = /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined);
const journal = createJournalPanel({
  onRequest: () => {
    pending ??= setTimeout(() => {
      pending = undefined;
      void refresh();
      void faults.load();
    }, 500);
  },
});
const faults = createFaultsPanel({ notify });

async function loadAll() {
  forget.hidden = token.get() === null;
  const answer = await refresh();
  if (!answer.ok) return;
  tokenPanel.hidden = true;
  main.hidden = false;
  await Promise.all([journal.load(), faults.load()]);
}

onLocked(() => {
  journal.stop();
  const refused = token.get() !== null;
  token.clear();
  forget.hidden = true;
  $('#token-reason').textContent = refused
    ? 'That token was refused. Enter the control token this sandbox was started with (AI_MARKET_MOCK_CONTROL_TOKEN).'
    : "This sandbox's control API is locked. Enter its control token (AI_MARKET_MOCK_CONTROL_TOKEN).";
  main.hidden = true;
  notice.hidden = true;
  tokenPanel.hidden = false;
  /** @type {HTMLInputElement} */ ($('input[name=token]', tokenPanel)).focus();
});

$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.currentTarget);
  const value = text(form, 'token');
  if (value === undefined) {
    showRefusal(form, { ok: false, status: 0, code: 'TOKEN_MISSING', message: 'Enter the token.', details: [{ path: 'token', message: 'Enter the token.' }] });
    return;
  }
  token.set(value);
  form.reset();
  void loadAll();
});

forget.addEventListener('click', () => {
  token.clear();
  location.reload();
});

$('#refresh').addEventListener('click', () => {
  notice.hidden = true;
  void loadAll();
});

void loadAll();
