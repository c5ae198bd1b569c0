import { expectAmount, expectAnswer } from '../lib/assertions.js';
import type { ContractCase } from '../lib/contract-case.js';

export const balanceCases: readonly ContractCase[] = [
  {
    id: 'balance.ok',
    title: 'GET /balance returns the wallet in USDT, to the micro-unit',
    covers: [{ operation: 'getBalance', status: 200 }],
    requests: 1,
    run: async (kit) => {
      if (!kit.mock) {
        // Live: the body was checked against BalanceResponse (exact USDT amount, currency USDT).
        expectAnswer(await kit.api.getBalance(), 200);
        return;
      }
      const funded = await kit.mock.account('12.345678');
      const res = await funded.api.getBalance();
      expectAmount(expectAnswer(res, 200).balance, 12_345_678, 'balance', 'the wallet holds 12.345678', res);
      await kit.onMock(async (mock) => {
        const empty = await mock.account('0');
        const zero = await empty.api.getBalance();
        expectAmount(expectAnswer(zero, 200).balance, 0, 'balance of an empty wallet', '', zero);
      });
    },
  },
];
