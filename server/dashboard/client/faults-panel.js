// @ts-check
/**
 * Fault rules: the list from GET /_mock/faults, a rule added with POST /_mock/faults (the JSON as
 * typed: the control API judges it, and what it says is wrong appears beside the field), removed
 * with DELETE /_mock/faults/{id}.
 */
import { control } from './api.js';
import { $, el, onSubmit, showDone, text } from './dom.js';

/**
 * @typedef {import('../../../spec/generated/control-types.js').components['schemas']['FaultRule']} FaultRule
 * @typedef {import('./control-wire.js').Answer} Answer
 */

/** What a rule matches, how often it fires and what it does, in the order people read them. */
const SHOWN_FIELDS = /** @type {const} */ ([
  'operation', 'account', 'key', 'key_prefix', 'product_id', 'with_idempotency_key',
  'times', 'every', 'probability', 'status', 'body', 'ms', 'min_ms', 'max_ms',
]);

/**
 * A refusal of the rule, every detail put beside the one field (the rule's JSON), named by its path in the rule.
 * @param {Answer} answer
 * @returns {Answer}
 */
const besideTheRule = (answer) => {
  if (answer.ok || answer.status === 401) return answer;
  const details = answer.details.length ? answer.details : [{ path: '(body)', message: `${answer.message} (${answer.code})` }];
  return { ...answer, details: details.map((d) => ({ path: 'rule', message: d.path === '(body)' ? d.message : `${d.path}: ${d.message}` })) };
};

/**
 * @param {{ notify: (message: string, isError?: boolean) => void }} page
 */
export function createFaultsPanel(page) {
  const panel = $('#faults');
  const list = $('#fault-list');
  const form = /** @type {HTMLFormElement} */ ($('#add-fault'));

  /** @param {FaultRule} rule */
  const item = (rule) =>
    el(
      'li',
      { 'data-rule': rule.id },
      el(
        'div',
        { class: 'rule' },
        el('strong', {}, `#${rule.id}`),
        el('code', {}, rule.kind),
        SHOWN_FIELDS.filter((name) => rule[name] !== undefined).map((name) => el('span', { class: 'chip' }, `${name} ${String(rule[name])}`)),
        el(
          'span',
          { class: 'meta' },
          `fired ${rule.fired} of ${rule.seen} seen`,
          rule.remaining !== null && ` · ${rule.remaining} left`,
          ` · seed ${rule.seed} · from ${rule.source}`,
        ),
      ),
      el(
        'button',
        {
          type: 'button',
          class: 'small danger',
          'aria-label': `Remove fault rule ${rule.id}`,
          onclick: async () => {
            const answer = await control('DELETE', `/faults/${rule.id}`);
            if (!answer.ok) page.notify(`${answer.message} (${answer.code})`, true);
            else page.notify(`Removed fault rule ${rule.id}.`);
            await load();
          },
        },
        'Remove',
      ),
    );

  async function load() {
    const answer = await control('GET', '/faults');
    const note = $('.unavailable', panel);
    if (!answer.ok) {
      if (answer.status !== 401) {
        note.textContent = `The fault rules could not be read: ${answer.message} (${answer.code})`;
        note.hidden = false;
      }
      return answer;
    }
    note.hidden = true;
    /** @type {FaultRule[]} */
    const rules = answer.data.faults;
    list.replaceChildren(...(rules.length ? rules.map(item) : [el('li', { class: 'empty' }, 'No fault rules: every request is answered normally.')]));
    return answer;
  }

  onSubmit(
    form,
    async (f) => besideTheRule(await control('POST', '/faults', { text: text(f, 'rule') ?? '' })),
    async (/** @type {FaultRule} */ rule, f) => {
      f.reset();
      await load();
      showDone(f, `Added fault rule #${rule.id} (${rule.kind}).`);
    },
  );

  return { load };
}
