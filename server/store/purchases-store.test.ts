/**
 * The purchase transaction checks the key and the account again: the key stage read them before the
 * transaction began, and a revocation or suspension may have committed in between (in another
 * request, or another process). Nothing is charged after either.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIXTURE_PATH, readFixtureFile } from '../fixture-file.js';
import { openDatabase } from '../db/open-database.js';
import { createStore } from './create-store.js';

const setup = () => {
  const store = createStore(openDatabase(':memory:'));
  store.loadFixture(readFixtureFile(DEFAULT_FIXTURE_PATH), 0);
  const caller = store.accounts.findByKey('mk_test_alice')!;
  const input = { keyHash: caller.keyHash, accountId: caller.accountId, productId: '002', quantity: 1, reuse: () => 'reject' as const, now: () => 0 };
  const buy = () => store.purchases.purchase(input, () => 'answer');
  return { store, caller, buy };
};

describe('a purchase whose caller changed after the key stage read it', () => {
  it('an account suspended meanwhile: refused, nothing charged', () => {
    const { store, caller, buy } = setup();
    store.accounts.setStatus(caller.accountId, 'suspended');
    expect(buy()).toEqual({ refused: 'account_suspended' });
    expect(store.accounts.getAccount(caller.accountId)!.balance_micros).toBe(100_000_000);
    expect(store.purchases.listOrders()).toEqual([]);
  });

  it('a key revoked meanwhile: refused, nothing charged', () => {
    const { store, caller, buy } = setup();
    store.accounts.revokeKey('mk_test_alice');
    expect(buy()).toEqual({ refused: 'key_revoked' });
    expect(store.accounts.getAccount(caller.accountId)!.balance_micros).toBe(100_000_000);
  });

  it('unchanged: the purchase goes through', () => {
    const { buy } = setup();
    expect(buy()).toMatchObject({ created: { codes: [expect.any(String)] } });
  });
});
