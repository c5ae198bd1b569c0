import { randomBytes } from 'node:crypto';
import { check, expectAmount, expectAnswer, expectError } from '../lib/assertions.js';
import type { CaseKit } from '../lib/case-kit.js';
import { everyOperation, type ContractCase } from '../lib/contract-case.js';

// A valid-looking body for a product that exists in the sandbox and in the documentation's examples.
const BODY = { product_id: '002', quantity: 1 };

/** On the mock, failed logins of earlier cases from this address must not add up to a 429. */
async function cleanAuthWindow(kit: CaseKit): Promise<void> {
  await kit.mock?.freshRateWindow();
}

export const authCases: readonly ContractCase[] = [
  {
    id: 'auth.no-key',
    title: 'no X-API-Key: 401 NO_KEY on every endpoint',
    covers: everyOperation(401, 'NO_KEY'),
    requests: 3,
    needsKey: false,
    run: async (kit) => {
      await cleanAuthWindow(kit);
      const anonymous = kit.api.withKey(null);
      expectError(await anonymous.getBalance(), 401, 'NO_KEY');
      expectError(await anonymous.listProducts(), 401, 'NO_KEY');
      expectError(await anonymous.purchase(BODY, { free: 'no API key' }), 401, 'NO_KEY');
    },
  },
  {
    id: 'auth.invalid-key',
    title: 'unknown or malformed key: 401 INVALID_KEY on every endpoint',
    covers: everyOperation(401, 'INVALID_KEY'),
    requests: 4,
    needsKey: false,
    run: async (kit) => {
      await cleanAuthWindow(kit);
      const unknown = kit.api.withKey(`mk_contract_unknown_${randomBytes(12).toString('hex')}`);
      expectError(await unknown.getBalance(), 401, 'INVALID_KEY', 'a key the store never issued');
      expectError(await unknown.listProducts(), 401, 'INVALID_KEY', 'a key the store never issued');
      expectError(await unknown.purchase(BODY, { free: 'unknown API key' }), 401, 'INVALID_KEY', 'a key the store never issued');
      expectError(await kit.api.withKey('not-a-key').getBalance(), 401, 'INVALID_KEY', 'a malformed key');
    },
  },
  {
    id: 'auth.revoked-key',
    title: 'a revoked key: 401 INVALID_KEY, nothing charged',
    covers: [
      { operation: 'getBalance', status: 401, code: 'INVALID_KEY' },
      { operation: 'purchase', status: 401, code: 'INVALID_KEY' },
    ],
    requests: 4,
    mockOnly: 'needs a revoked key, which only the store bot can make',
    run: async (kit) => {
      const mock = kit.requireMock();
      await cleanAuthWindow(kit);
      const account = await mock.account('5');
      const product = await mock.product('1', 5);
      await mock.control.revokeKey(account.key);
      expectError(await account.api.getBalance(), 401, 'INVALID_KEY', 'the key was revoked');
      expectError(await account.api.listProducts(), 401, 'INVALID_KEY', 'the key was revoked');
      expectError(await account.api.purchase({ product_id: product.id, quantity: 1 }, { free: 'revoked key' }), 401, 'INVALID_KEY');
      // The account itself is fine: a new key sees the money untouched.
      const { key } = await mock.control.createKey(account.id);
      const res = await account.api.withKey(key).getBalance();
      expectAmount(expectAnswer(res, 200).balance, 5_000_000, 'balance after the refused purchase', 'nothing charged', res);
    },
  },
  {
    id: 'auth.suspended',
    title: 'a suspended account: 403 FORBIDDEN on every endpoint, nothing charged',
    covers: everyOperation(403, 'FORBIDDEN'),
    requests: 5,
    mockOnly: 'needs a suspended account, which only the store can make',
    run: async (kit) => {
      const mock = kit.requireMock();
      const account = await mock.account('5', 'suspended');
      const product = await mock.product('1', 5);
      expectError(await account.api.getBalance(), 403, 'FORBIDDEN', 'the account is suspended');
      expectError(await account.api.listProducts(), 403, 'FORBIDDEN', 'the account is suspended');
      expectError(await account.api.purchase({ product_id: product.id, quantity: 1 }, { free: 'suspended account' }), 403, 'FORBIDDEN');
      await mock.control.reactivate(account.id);
      const res = await account.api.getBalance();
      expectAmount(expectAnswer(res, 200).balance, 5_000_000, 'balance after reactivation', 'nothing charged while suspended', res);
      const listed = await kit.productOf(account.api, product.id);
      check(listed.stock === 5, `stock of ${product.id}: expected 5 (nothing sold while suspended), got ${listed.stock}`);
    },
  },
];
