/**
 * The suite catches a broken server. Each contract case below first passes against a correct
 * fixture server, then fails — with the operation, status, field and body in the message —
 * against one that is broken in one way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES } from '../cases/index.js';
import { playCase, requestsOf, type ContractCase, type RequestCount } from '../lib/contract-case.js';
import { ContractViolationError } from '../lib/spec-validator.js';
import { FIXTURE_KEY, fakeClock, startFixtureServer, type Breakage, type FixtureProduct, type FixtureServer } from './broken-server.js';
import { liveKit, liveTarget } from './self-test-kit.js';

const clock = fakeClock();
let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer(clock);
});
afterAll(async () => {
  await server.close();
});

/** Runs one case against the fixture: the error it reported (none when it passed) and its requests. */
async function play(caseId: string, breakage: Breakage, balance: string, products: FixtureProduct[]): Promise<{ error?: Error; requests?: RequestCount }> {
  server.breakage = breakage;
  server.reset({ balance, products });
  clock.advance(120_000); // a fresh rate window on both sides
  const { kit } = liveKit(caseId, liveTarget(server.baseUrl, FIXTURE_KEY, 100_000_000), clock);
  try {
    const { skipped, requests } = await playCase(kit);
    return { error: skipped === undefined ? undefined : new Error(`skipped: ${skipped}`), requests };
  } catch (error) {
    return { error: error as Error };
  }
}

const runAgainst = async (...args: Parameters<typeof play>): Promise<Error | undefined> => (await play(...args)).error;

const shop = (price: string, stock = 20): FixtureProduct[] => [
  { id: 'cheap', price, stock },
  { id: 'sold-out', price: '1', stock: 0 },
  { id: 'dear', price: '500', stock: 5 },
];

describe('the suite reports a broken server', () => {
  const scenarios: {
    breakage: Breakage;
    caseId: string;
    balance: string;
    products: FixtureProduct[];
    expected: RegExp[];
    violation: boolean;
  }[] = [
    {
      breakage: 'wrong-status',
      caseId: 'purchase.product-not-found',
      balance: '10',
      products: shop('1'),
      // 500 is declared (a fault rule's INTERNAL_ERROR, a mock extension): the wrong status shows as a code foreign to it.
      expected: [/purchase \(POST \/api\/v1\/purchase\) answered 500/, /\/code: must be equal to one of the allowed values \["INTERNAL_ERROR"\] \(got "PRODUCT_NOT_FOUND"\)/, /body: \{"success":false,"code":"PRODUCT_NOT_FOUND"/],
      violation: true,
    },
    {
      breakage: 'missing-field',
      caseId: 'products.ok',
      balance: '10',
      products: shop('1'),
      expected: [/listProducts \(GET \/api\/v1\/products\) answered 200/, /\/products\/0: must have required property 'in_stock'/, /body: \{"products":/],
      violation: true,
    },
    {
      breakage: 'float-balance',
      caseId: 'purchase.ok',
      balance: '0.3',
      products: shop('0.1'),
      expected: [/purchase \(POST \/api\/v1\/purchase\) answered 200/, /\/balance_remaining: must be an exact amount with at most 6 decimal places \(got 0\.19999999999999998\)/],
      violation: true,
    },
    {
      breakage: 'rounded-balance',
      caseId: 'purchase.ok',
      balance: '10',
      products: shop('0.125'),
      expected: [/balance_remaining: expected exactly 9\.875 USDT \(10 − 0\.125 × 1\), got 9\.88/, /purchase answered 200, body: \{"success":true/],
      violation: false,
    },
    {
      breakage: 'double-charge',
      caseId: 'idempotency.retry',
      balance: '10',
      products: shop('1.5'),
      expected: [/GET \/balance: expected exactly 8\.5 USDT \(charged once: 10 − 1\.5\), got 7/],
      violation: false,
    },
    {
      breakage: 'double-charge',
      caseId: 'concurrency.idempotent-parallel',
      balance: '10',
      products: shop('1'),
      expected: [/GET \/balance: expected exactly 9 USDT \(charged once: 10 − 1\), got 7/],
      violation: false,
    },
    {
      breakage: 'reused-code',
      caseId: 'purchase.stock-and-codes',
      balance: '10',
      products: shop('0.5'),
      expected: [/\/codes: code #1 of order ord_\d+ was already delivered in order ord_\d+/],
      violation: true,
    },
    {
      breakage: 'no-retry-after',
      caseId: 'rate-limit.window',
      balance: '10',
      products: shop('1'),
      expected: [/getBalance \(GET \/api\/v1\/balance\) answered 429/, /header Retry-After: required header is missing/, /"code":"RATE_LIMITED"/],
      violation: true,
    },
  ];

  for (const s of scenarios) {
    it(`${s.caseId} passes against a correct server and reports '${s.breakage}'`, async () => {
      expect(await runAgainst(s.caseId, 'none', s.balance, s.products)).toBeUndefined();
      const error = await runAgainst(s.caseId, s.breakage, s.balance, s.products);
      expect(error, `${s.caseId} did not notice '${s.breakage}'`).toBeInstanceOf(Error);
      expect(error instanceof ContractViolationError).toBe(s.violation);
      for (const pattern of s.expected) expect(error!.message).toMatch(pattern);
    });
  }

  it('every case that may run on live passes against the correct fixture (a fair stand-in), sending exactly the requests it declares', async () => {
    const live = CASES.filter((c) => !c.mockOnly);
    expect(live.length).toBeGreaterThan(10);
    for (const contractCase of live) {
      const { error, requests } = await play(contractCase.id, 'none', '10', shop('0.25'));
      expect(error, contractCase.id).toBeUndefined();
      // The fixture offers every precondition, so each case takes its longest live path: the
      // declared most is what it sends, not more (the kit fails that) and not less (a dry run
      // that overstates requests and time).
      expect(requests, contractCase.id).toEqual({ sent: requestsOf(contractCase, 20), allowed: requestsOf(contractCase, 20) });
    }
  });

  it('a case that sends more requests than it declares fails', async () => {
    server.reset({ balance: '10', products: shop('1') });
    const greedy: ContractCase = {
      ...CASES.find((c) => c.id === 'balance.ok')!,
      run: async (kit) => {
        await kit.api.getBalance();
        await kit.api.getBalance();
      },
    };
    const { kit } = liveKit(greedy, liveTarget(server.baseUrl, FIXTURE_KEY, 0), clock);
    await expect(playCase(kit)).rejects.toThrow('balance.ok sent 2 public-API requests but declares at most 1');
  });
});
