// @ts-check
/**
 * Fault rules: the list from GET /_mock/faults, a rule added with POST /_mock/faults (the JSON as
 * typed: the control API checks it and its details are shown), removed with DELETE /_mock/faults/{id}.
 * On a server without fault rules (404) the panel says so.
 */
import { control } from './api.js';
import { $, el, onSubmit, showDone, text } from './dom.js';

/**
 * @param {{ notify: (message: string, isError?: boolean) => void }} page
 */
export function createFaultsPanel(page) {
  const panel = $('#faults');
  const list = $('#fault-list');
  const form = /** @type {HTMLFormElement} */ ($('#add-fault'));

  /** @param {Record<string, unknown>} rule */
  const item = (rule) => {
    const id = typeof rule.id === 'string' || typeof rule.id === 'number' ? String(rule.id) : undefined;
    return el(
      'li',
      { 'data-rule': id },
      el('pre', {}, JSON.stringify(rule, null, 2)),
      id !== undefined &&
        el(
          'button',
          {
            type: 'button',
            class: 'small danger',
            onclick: async () => {
              const answer = await control('DELETE', `/faults/${encodeURIComponent(id)}`);
              if (!answer.ok) page.notify(`${answer.message} (${answer.code})`, true);
              else page.notify(`Removed fault rule ${id}.`);
              await load();
            },
          },
          'Remove',
        ),
    );
  };

  async function load() {
    const answer = await control('GET', '/faults');
    const note = $('.unavailable', panel);
    if (!answer.ok) {
      if (answer.status === 404) {
        note.textContent = 'Fault rules are not available on this server.';
        note.hidden = false;
        form.hidden = true;
        list.replaceChildren();
      } else if (answer.status !== 401) {
        note.textContent = `The fault rules could not be read: ${answer.message} (${answer.code})`;
        note.hidden = false;
      }
      return answer;
    }
    note.hidden = true;
    form.hidden = false;
    /** @type {Record<string, unknown>[]} */
    const rules = Array.isArray(answer.data?.rules) ? answer.data.rules : [];
    list.replaceChildren(...(rules.length ? rules.map(item) : [el('li', { class: 'empty' }, 'No fault rules: every request is answered normally.')]));
    return answer;
  }

  onSubmit(
    form,
    (f) => control('POST', '/faults', { text: text(f, 'rule') ?? '' }),
    async (rule, f) => {
      f.reset();
      await load();
      showDone(f, `Added fault rule${rule && rule.id !== undefined ? ` ${String(rule.id)}` : ''}.`);
    },
  );

  return { load };
}
