import type { RouteHandler } from '@hono/zod-openapi';
import type { getBalanceRoute } from '../../spec/api-routes.js';
import { fromMicros } from '../../spec/money.js';
import type { AppDeps, AppEnv } from '../app-env.js';

export const balanceHandler =
  ({ store }: AppDeps): RouteHandler<typeof getBalanceRoute, AppEnv> =>
  (c) => {
    const account = store.accounts.getAccount(c.var.caller.accountId)!;
    return c.json({ balance: fromMicros(account.balance_micros), currency: 'USDT' as const }, 200);
  };
