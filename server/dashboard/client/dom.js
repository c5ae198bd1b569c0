// @ts-check
/**
 * Building the page from data: every value from the server becomes a text node (append with a
 * string, textContent), never HTML, so a product named <script>…</script> shows as those characters.
 */

/**
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {T}
 */
export function $(selector, root = document) {
  const node = root.querySelector(selector);
  if (!node) throw new Error(`the page has no ${selector}`);
  return /** @type {T} */ (node);
}

/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * An element with attributes (`on…` functions become listeners) and children (strings become text).
 * @param {string} tag
 * @param {Record<string, unknown>} [attributes]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'number' ? String(child) : child);
  }
  return node;
}

/**
 * A table, or a plain line when there are no rows.
 * @param {string[]} headings
 * @param {HTMLElement[]} rows
 * @param {string} emptyText
 */
export function table(headings, rows, emptyText) {
  if (rows.length === 0) return el('p', { class: 'empty' }, emptyText);
  // On a narrow window each row is a card and each cell shows its column's name (CSS attr()).
  for (const row of rows) [...row.children].forEach((cell, i) => cell.setAttribute('data-label', headings[i] ?? ''));
  return el('table', {}, el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows));
}

/** @param {string} iso e.g. 2026-11-24T10:00:05.123Z → 2026-11-24 10:00:05 UTC */
export const formatTime = (iso) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
};

/**
 * A form field's text; an empty field is not sent (undefined), so the control API applies its default or says it is required.
 * @param {HTMLFormElement} form
 * @param {string} name
 */
export function text(form, name) {
  const field = form.elements.namedItem(name);
  const value = field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement ? field.value.trim() : '';
  return value === '' ? undefined : value;
}

/**
 * A number when the text is a plain number, otherwise the text as typed: the control API's schema
 * then judges it and its message says what is wrong ("expected number").
 * @param {string | undefined} value
 */
export const numberOrText = (value) => (value !== undefined && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value);

/** @param {HTMLFormElement} form */
export function clearResult(form) {
  for (const error of form.querySelectorAll('.field-error')) error.remove();
  for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
  const result = form.querySelector('.form-result');
  if (result) {
    result.className = 'form-result';
    result.replaceChildren();
  }
}

/**
 * Shows a refusal: each of the control API's details beside the field it names (`amount`,
 * `price`, …), the others under the form with their path, and the message when there are none.
 * @param {HTMLFormElement} form
 * @param {import('./control-wire.js').Refusal} refusal
 */
export function showRefusal(form, refusal) {
  clearResult(form);
  /** @type {import('./control-wire.js').Detail[]} */
  const elsewhere = [];
  for (const detail of refusal.details) {
    const field = form.querySelector(`[name="${CSS.escape(detail.path)}"]`);
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      (field.closest('label') ?? field.parentElement ?? form).append(el('span', { class: 'field-error', 'data-path': detail.path }, detail.message));
    } else {
      elsewhere.push(detail);
    }
  }
  const result = form.querySelector('.form-result');
  if (!result) return;
  result.className = 'form-result error';
  if (refusal.details.length === 0) result.append(`${refusal.message} (${refusal.code})`);
  else if (elsewhere.length === 0) {
    // A form in a table row has room for the field's message only.
    if (!form.hasAttribute('data-compact')) result.append(`Not done (${refusal.code}): see the marked fields.`);
  }
  else {
    result.append(`Not done (${refusal.code}):`);
    result.append(el('ul', {}, elsewhere.map((d) => el('li', {}, el('code', {}, d.path), `: ${d.message}`))));
  }
}

/**
 * @param {HTMLFormElement} form
 * @param {...Child} message
 */
export function showDone(form, ...message) {
  clearResult(form);
  const result = form.querySelector('.form-result');
  if (!result) return;
  result.className = 'form-result ok';
  result.append(...message.filter((m) => m !== null && m !== undefined && m !== false).map((m) => (typeof m === 'number' ? String(m) : /** @type {Node | string} */ (m))));
}

/**
 * Sends a form with `action` on submit; a refusal is shown in the form, a success by `done`.
 * @param {HTMLFormElement} form
 * @param {(form: HTMLFormElement) => Promise<import('./control-wire.js').Answer>} action
 * @param {(data: any, form: HTMLFormElement) => void | Promise<void>} done
 */
export function onSubmit(form, action, done) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const buttons = [...form.querySelectorAll('button')];
    for (const button of buttons) button.disabled = true;
    try {
      const answer = await action(form);
      if (answer.ok) await done(answer.data, form);
      else showRefusal(form, answer);
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  });
}
