/** Store rows as the control API shows them (amounts as USDT numbers, times as ISO strings). */
import { fromMicros } from '../../spec/money.js';
import type { Clock, ClockReading } from '../clock.js';
import type { Store } from '../store/create-store.js';
import type { AccountRow } from '../store/accounts-store.js';
import type { ProductRow } from '../store/products-store.js';

const iso = (ms: number) => new Date(ms).toISOString();

export const accountView = (store: Store, account: AccountRow) => ({
  id: account.id,
  status: account.status,
  balance: fromMicros(account.balance_micros),
  keys: store.accounts.keysOf(account.id).map((k) => ({ prefix: k.prefix, revoked: k.revoked === 1, created_at: iso(k.created_at) })),
});

export const productView = (p: ProductRow) => ({
  id: p.id,
  name: p.name,
  price: fromMicros(p.price_micros),
  stock: p.stock,
  in_stock: p.stock > 0,
  sold: p.sold,
});

/** A clock as the control API shows it; pass the reading an advance returned to show the clock right after that advance. */
export const clockView = (reading: ClockReading) => ({ now: iso(reading.now), offset_seconds: reading.offsetMs / 1000 });

/** The whole state from one read transaction: one snapshot, never half of a purchase made meanwhile. */
export const stateView = (store: Store, clock: Clock) => store.snapshot(() => ({
  clock: clockView(clock.read()),
  settings: store.settings.getSettings(),
  accounts: store.accounts.listAccounts().map((a) => accountView(store, a)),
  products: store.products.listProducts().map(productView),
  orders: store.purchases.listOrders().map((o) => ({
    id: o.id,
    account_id: o.account_id,
    product_id: o.product_id,
    quantity: o.quantity,
    total: fromMicros(o.total_micros),
    codes: o.codes,
    idempotency_key: o.idempotency_key,
    created_at: iso(o.created_at),
  })),
}));
