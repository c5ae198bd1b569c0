/** Control API: what the bot does for a customer — accounts, keys, suspension, top-ups. */
import type { RouteHandler } from '@hono/zod-openapi';
import type {
  createAccountRoute,
  createKeyRoute,
  reactivateAccountRoute,
  revokeKeyRoute,
  suspendAccountRoute,
  topUpRoute,
} from '../../spec/control-routes.js';
import { MAX_MICROS, toMicros } from '../../spec/money.js';
import type { AppDeps } from '../app-env.js';
import { controlErrors } from '../errors.js';
import { newAccountId, newApiKey } from '../store/random-ids.js';
import { accountView } from './views.js';

const accountOr404 = ({ store }: AppDeps, id: string) => {
  const account = store.accounts.getAccount(id);
  if (!account) throw controlErrors.accountNotFound(id);
  return account;
};

export const createAccountHandler =
  (deps: AppDeps): RouteHandler<typeof createAccountRoute> =>
  (c) => {
    const body = c.req.valid('json');
    const { store, clock } = deps;
    const id = body.id ?? newAccountId();
    const key = body.key ?? newApiKey();
    const account = store.transaction(() => {
      if (store.accounts.getAccount(id)) throw controlErrors.accountExists(id);
      if (store.accounts.keyExists(key)) throw controlErrors.keyInUse();
      store.accounts.insertAccount({ id, status: body.status, balanceMicros: toMicros(body.balance)!, now: clock.now() });
      store.accounts.insertKey(id, key, clock.now());
      return accountView(store, store.accounts.getAccount(id)!);
    });
    return c.json({ key, account }, 201);
  };

export const createKeyHandler =
  (deps: AppDeps): RouteHandler<typeof createKeyRoute> =>
  (c) => {
    const key = newApiKey();
    // One transaction: a reset between the lookup and the insert would otherwise break the key's account reference.
    const account = deps.store.transaction(() => {
      const found = accountOr404(deps, c.req.valid('param').id);
      deps.store.accounts.insertKey(found.id, key, deps.clock.now());
      return accountView(deps.store, found);
    });
    return c.json({ key, account }, 201);
  };

export const revokeKeyHandler =
  (deps: AppDeps): RouteHandler<typeof revokeKeyRoute> =>
  (c) => {
    const account = deps.store.transaction(() => {
      const accountId = deps.store.accounts.revokeKey(c.req.valid('json').key);
      if (!accountId) throw controlErrors.keyNotFound();
      return accountView(deps.store, deps.store.accounts.getAccount(accountId)!);
    });
    return c.json(account, 200);
  };

const setStatusHandler = (status: 'active' | 'suspended') => (deps: AppDeps) =>
  ((c) => {
    const account = deps.store.transaction(() => {
      const found = accountOr404(deps, c.req.valid('param').id);
      deps.store.accounts.setStatus(found.id, status);
      return accountView(deps.store, deps.store.accounts.getAccount(found.id)!);
    });
    return c.json(account, 200);
  }) satisfies RouteHandler<typeof suspendAccountRoute | typeof reactivateAccountRoute>;

export const suspendAccountHandler = setStatusHandler('suspended');
export const reactivateAccountHandler = setStatusHandler('active');

export const topUpHandler =
  (deps: AppDeps): RouteHandler<typeof topUpRoute> =>
  (c) => {
    const id = c.req.valid('param').id;
    const amount = toMicros(c.req.valid('json').amount)!;
    const account = deps.store.transaction(() => {
      const before = accountOr404(deps, id);
      if (before.balance_micros + amount > MAX_MICROS) {
        throw controlErrors.validation([{ path: 'amount', message: 'the balance would exceed the sandbox maximum of 1e9 USDT' }]);
      }
      deps.store.accounts.credit(id, amount);
      return accountView(deps.store, deps.store.accounts.getAccount(id)!);
    });
    return c.json(account, 200);
  };
