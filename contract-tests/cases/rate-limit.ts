import { randomBytes } from 'node:crypto';
import type { ApiClient, ApiResponse } from '../lib/api-client.js';
import { check, expectAnswer, expectError } from '../lib/assertions.js';
import { everyOperation, type ContractCase } from '../lib/contract-case.js';

/** A 429 must carry retry_after_seconds (whole, ≥ 1, within the window) and the same Retry-After. */
function checkRateLimited(res: ApiResponse, windowSeconds: number): number {
  const error = expectError(res, 429, 'RATE_LIMITED');
  const seconds = error.retry_after_seconds!;
  check(Number.isInteger(seconds) && seconds >= 1, `retry_after_seconds must be a whole number ≥ 1, got ${seconds}`, res);
  check(seconds <= windowSeconds, `retry_after_seconds ${seconds} is longer than the ${windowSeconds} s window`, res);
  const header = res.headers.get('retry-after');
  check(header === String(seconds), `Retry-After header '${header}' must equal retry_after_seconds ${seconds}`, res);
  return seconds;
}

export const rateLimitCases: readonly ContractCase[] = [
  {
    id: 'rate-limit.window',
    title: 'request 21 in a window gets 429 with retry_after_seconds = Retry-After; after that wait it succeeds',
    covers: [{ operation: 'getBalance', status: 200 }, ...everyOperation(429, 'RATE_LIMITED')],
    // A full window, the three 429s, and one request after the wait.
    requests: (limit) => limit + 4,
    liveOptIn: 'rate-limit',
    waitSeconds: 125,
    run: async (kit) => {
      const { limit, window } = await kit.rateLimit();
      let api: ApiClient = kit.api;
      if (kit.mock) api = (await kit.mock.account('1')).api;
      else {
        // Start from an empty window, so the server's count and ours agree.
        await kit.pacer?.waitUntilIdle();
      }
      const unpaced = { paced: false, retryOn429: false } as const;
      for (let i = 1; i <= limit; i++) {
        expectAnswer(await api.getBalance(unpaced), 200, `request ${i} of ${limit} in the window`);
      }
      const waits = [
        checkRateLimited(await api.getBalance(unpaced), window),
        checkRateLimited(await api.listProducts(unpaced), window),
        // An empty body: should the limit not hold, it is refused as VALIDATION and costs nothing.
        checkRateLimited(await api.purchase({}, { ...unpaced, free: 'an empty body is invalid' }), window),
      ];
      const seconds = Math.max(...waits);
      await kit.wait(seconds, 'retry_after_seconds');
      const after = await api.getBalance(unpaced);
      expectAnswer(after, 200, `a request ${seconds} s later (retry_after_seconds)`);

      await kit.onMock(async (mock) => {
        // A request answered 429 does not count: 429s halfway through a window do not shorten the next one.
        const fresh = (await mock.account('1')).api;
        for (let i = 1; i <= limit; i++) expectAnswer(await fresh.getBalance(unpaced), 200, `request ${i} of ${limit}`);
        await mock.advance(Math.floor(window / 2));
        for (let i = 0; i < 5; i++) checkRateLimited(await fresh.getBalance(unpaced), window);
        await mock.advance(Math.ceil(window / 2) + 1);
        for (let i = 1; i <= limit; i++) {
          expectAnswer(await fresh.getBalance(unpaced), 200, `request ${i} of ${limit} in the next window (the earlier 429s must not count)`);
        }
      });
    },
  },
  {
    id: 'rate-limit.failed-auth',
    title: 'failed logins are limited per client address: the 21st gets 429',
    covers: [
      { operation: 'getBalance', status: 401, code: 'INVALID_KEY' },
      { operation: 'getBalance', status: 429, code: 'RATE_LIMITED' },
    ],
    // A full window of failed logins, the 429, and one more after the wait.
    requests: (limit) => limit + 2,
    needsKey: false,
    mockOnly: 'floods failed logins; the live API would lock this address out for a while',
    run: async (kit) => {
      const mock = kit.requireMock();
      await mock.freshRateWindow();
      const { limit, window } = await kit.rateLimit();
      const guesser = kit.api.withKey(`mk_contract_guess_${randomBytes(8).toString('hex')}`);
      const once = { retryOn429: false } as const;
      for (let i = 1; i <= limit; i++) expectError(await guesser.getBalance(once), 401, 'INVALID_KEY', `failed login ${i} of ${limit}`);
      const seconds = checkRateLimited(await guesser.getBalance(once), window);
      await mock.advance(seconds);
      expectError(await guesser.getBalance(once), 401, 'INVALID_KEY', `a failed login ${seconds} s later is judged again`);
      // Leave the address with a clean record for the cases after this one.
      await mock.freshRateWindow();
    },
  },
];
