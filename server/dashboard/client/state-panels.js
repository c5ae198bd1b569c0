// @ts-check
/**
 * Accounts, products, orders and the clock, as GET /_mock/state shows them, and the forms that
 * change them. Every change goes to the control API; the page then reads the state again.
 */
import { control } from './api.js';
import { $, el, formatTime, numberOrText, onSubmit, showDone, table, text } from './dom.js';

/**
 * The control API's own types, generated from its OpenAPI document (types only: the page loads no such file).
 * @typedef {import('../../../spec/generated/control-types.js').components['schemas']} Schemas
 * @typedef {Schemas['Account']} Account
 * @typedef {Schemas['ControlProduct']} Product
 * @typedef {Schemas['Order']} Order
 * @typedef {Schemas['State']} State
 */

/** The most orders the table lists (the newest). */
const ORDERS_SHOWN = 100;

/**
 * @param {{ refresh: () => Promise<void>, reloadAll: () => Promise<void>, notify: (message: string, isError?: boolean) => void }} page
 *   refresh: read the state again; reloadAll: the journal and fault rules too (a reset or a new fixture changes them)
 */
export function createStatePanels(page) {
  /** @param {Account} account */
  const accountRow = (account) => {
    const topUp = /** @type {HTMLFormElement} */ (
      el(
        'form',
        { class: 'top-up', novalidate: true, 'data-compact': true, 'aria-label': `Top up ${account.id}` },
        el('input', { name: 'amount', placeholder: 'USDT', 'aria-label': `Amount to add to ${account.id}`, autocomplete: 'off' }),
        el('button', { type: 'submit', class: 'small' }, 'Top up'),
        el('output', { class: 'form-result' }),
      )
    );
    onSubmit(
      topUp,
      (form) => control('POST', `/accounts/${encodeURIComponent(account.id)}/top-up`, { json: { amount: text(form, 'amount') } }),
      async (updated) => {
        page.notify(`Topped up ${updated.id}: balance ${updated.balance} USDT.`);
        await page.refresh();
      },
    );
    const action = account.status === 'suspended' ? 'reactivate' : 'suspend';
    const toggle = el(
      'button',
      {
        type: 'button',
        class: action === 'suspend' ? 'small danger' : 'small',
        onclick: async () => {
          const answer = await control('POST', `/accounts/${encodeURIComponent(account.id)}/${action}`);
          if (!answer.ok) return page.notify(`${answer.message} (${answer.code})`, true);
          page.notify(`${answer.data.id} is ${answer.data.status} now.`);
          await page.refresh();
        },
      },
      action === 'suspend' ? 'Suspend' : 'Reactivate',
    );
    return el(
      'tr',
      { 'data-account': account.id },
      el('td', {}, el('strong', {}, account.id)),
      el('td', { class: 'num balance' }, account.balance),
      el('td', {}, el('span', { class: `status ${account.status}` }, account.status)),
      el(
        'td',
        {},
        el(
          'span',
          { class: 'keys' },
          account.keys.length === 0
            ? el('span', { class: 'empty' }, 'no keys')
            : account.keys.map((k) => el('code', { class: k.revoked ? 'revoked' : undefined, title: k.revoked ? 'revoked' : `created ${k.created_at}` }, `${k.prefix}…`)),
        ),
      ),
      el('td', {}, el('div', { class: 'row-actions' }, topUp, toggle)),
    );
  };

  /** @param {Product} product */
  const productRow = (product) => {
    const restock = /** @type {HTMLFormElement} */ (
      el(
        'form',
        { novalidate: true, 'data-compact': true, 'aria-label': `Restock ${product.id}` },
        el('input', { name: 'count', placeholder: 'count', 'aria-label': `Codes to add to ${product.id}`, autocomplete: 'off' }),
        el('button', { type: 'submit', class: 'small' }, 'Restock'),
        el('output', { class: 'form-result' }),
      )
    );
    onSubmit(
      restock,
      (form) => control('POST', `/products/${encodeURIComponent(product.id)}/codes`, { json: { count: numberOrText(text(form, 'count')) } }),
      async (updated) => {
        page.notify(`Restocked ${updated.id}: ${updated.stock} in stock.`);
        await page.refresh();
      },
    );
    return el(
      'tr',
      { 'data-product': product.id },
      el('td', {}, el('code', {}, product.id)),
      el('td', { class: 'name' }, product.name),
      el('td', { class: 'num' }, product.price),
      el('td', { class: 'num stock' }, product.stock),
      el('td', { class: 'num' }, product.sold),
      el('td', {}, el('div', { class: 'row-actions' }, restock)),
    );
  };

  /** @param {Order} order */
  const orderRow = (order) =>
    el(
      'tr',
      { 'data-order': order.id },
      el('td', {}, formatTime(order.created_at)),
      el('td', {}, el('code', {}, order.id)),
      el('td', {}, order.account_id),
      el('td', {}, el('code', {}, order.product_id)),
      el('td', { class: 'num' }, order.quantity),
      el('td', { class: 'num' }, order.total),
      el('td', {}, el('span', { class: 'codes' }, order.codes.map((code) => el('code', {}, code)))),
      el('td', {}, order.idempotency_key === null ? el('span', { class: 'empty' }, 'none') : el('code', {}, order.idempotency_key)),
    );

  /** @param {State} state */
  function render(state) {
    $('#accounts-table').replaceChildren(
      table(['Account', 'Balance', 'Status', 'Keys', 'Actions'], state.accounts.map(accountRow), 'No accounts yet.'),
    );
    $('#products-table').replaceChildren(
      table(['Id', 'Name', 'Price', 'Stock', 'Sold', 'Restock'], state.products.map(productRow), 'No products yet.'),
    );
    const orders = [...state.orders].sort((a, b) => b.created_at.localeCompare(a.created_at));
    $('#orders-table').replaceChildren(
      table(['Created', 'Order', 'Account', 'Product', 'Qty', 'Total', 'Codes', 'Idempotency-Key'], orders.slice(0, ORDERS_SHOWN).map(orderRow), 'No orders yet.'),
      ...(orders.length > ORDERS_SHOWN ? [el('p', { class: 'hint' }, `The newest ${ORDERS_SHOWN} of ${orders.length} orders; GET /_mock/state has them all.`)] : []),
    );
    const offset = state.clock.offset_seconds;
    $('#clock').textContent = `clock: ${formatTime(state.clock.now)}${offset ? ` (+${offset} s)` : ''}`;
    $('#clock-detail').textContent = offset
      ? `Virtual time ${formatTime(state.clock.now)}: ${offset} s ahead of real time. Rate windows and idempotency expiry follow it; a reset sets it back.`
      : `Virtual time ${formatTime(state.clock.now)}: real time. Rate windows and idempotency expiry follow it.`;
  }

  // The forms of the panels.
  onSubmit(
    $('#create-account'),
    (form) => control('POST', '/accounts', { json: { id: text(form, 'id'), balance: text(form, 'balance'), key: text(form, 'key') } }),
    async (created, form) => {
      form.reset();
      await page.refresh();
      showDone(
        form,
        `Created ${created.account.id}. Its key, shown this once (the sandbox keeps only its hash):`,
        el('code', { class: 'new-key' }, created.key),
      );
    },
  );
  onSubmit(
    $('#revoke-key'),
    (form) => control('POST', '/keys/revoke', { json: { key: text(form, 'key') } }),
    async (account, form) => {
      form.reset();
      await page.refresh();
      showDone(form, `Revoked: requests with that key of ${account.id} now get 401 INVALID_KEY.`);
    },
  );
  onSubmit(
    $('#put-product'),
    (form) => {
      const id = text(form, 'id');
      if (id === undefined) return Promise.resolve({ ok: false, status: 400, code: 'CONTROL_VALIDATION', message: 'id is required', details: [{ path: 'id', message: 'Required: the product id goes in the path' }] });
      return control('PUT', `/products/${encodeURIComponent(id)}`, {
        json: { name: text(form, 'name'), price: text(form, 'price'), stock: numberOrText(text(form, 'stock')) },
      });
    },
    async (product, form) => {
      form.reset();
      await page.refresh();
      showDone(form, `Saved product ${product.id}: ${product.stock} in stock.`);
    },
  );
  onSubmit(
    $('#advance-clock'),
    (form) => control('POST', '/clock/advance', { json: { seconds: numberOrText(text(form, 'seconds')) } }),
    async (clock, form) => {
      form.reset();
      await page.refresh();
      showDone(form, `The clock is ${clock.offset_seconds} s ahead now.`);
    },
  );
  onSubmit(
    $('#load-fixture'),
    async (form) => {
      const input = /** @type {HTMLInputElement} */ ($('input[name=fixture]', form));
      const file = input.files?.[0];
      if (!file) return { ok: false, status: 400, code: 'CONTROL_VALIDATION', message: 'choose a file', details: [{ path: 'fixture', message: 'Choose a fixture file first.' }] };
      return control('POST', '/fixtures', { text: await file.text() });
    },
    async (ok, form) => {
      form.reset();
      await page.reloadAll();
      showDone(form, ok.message);
    },
  );
  onSubmit(
    $('#reset'),
    async (form) => {
      if (!confirm('Reset the sandbox to its fixture? Accounts, products, orders, fault rules and the clock go back to the start; the journal is emptied.')) {
        return { ok: false, status: 0, code: 'CANCELLED', message: 'Nothing was reset', details: [] };
      }
      return control('POST', '/reset');
    },
    async (ok, form) => {
      await page.reloadAll();
      showDone(form, ok.message);
    },
  );

  return { render };
}
