import type { RouteHandler } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { BalanceResponse } from '../../spec/api-schemas.js';
import type { getBalanceRoute } from '../../spec/api-routes.js';
import { fromMicros } from '../../spec/money.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { sendJsonText, toJsonText } from '../json-text.js';

type BalanceBody = z.input<typeof BalanceResponse>;

export const balanceHandler =
  ({ store }: AppDeps): RouteHandler<typeof getBalanceRoute, AppEnv> =>
  (c) => {
    const account = store.accounts.getAccount(c.var.caller.accountId)!;
    return sendJsonText(c, toJsonText<BalanceBody>({ balance: fromMicros(account.balance_micros), currency: 'USDT' }), 200);
  };
