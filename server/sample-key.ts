/**
 * The key a person can try first (the `serve` banner and the "try it" of /docs show it): a key of
 * the stored fixture that works now, with its wallet as the database has it. A kept database may
 * have spent or suspended what the fixture gave, so the fixture alone cannot say.
 */
import { fromMicros } from '../spec/money.js';
import type { Store } from './store/create-store.js';

/**
 * One with money first; undefined when no fixture key works.
 * @example sampleKey(store) // { key: 'mk_test_alice', balance: 100 }
 */
export function sampleKey(store: Store): { key: string; balance: number } | undefined {
  const working = (store.currentFixture()?.accounts ?? [])
    .flatMap((account) => account.keys.map((k) => k.key))
    .flatMap((key) => {
      const found = store.accounts.findByKey(key);
      const account = found && !found.revoked && found.status === 'active' ? store.accounts.getAccount(found.accountId) : undefined;
      return account ? [{ key, balance: fromMicros(account.balance_micros) }] : [];
    });
  return working.find((k) => k.balance > 0) ?? working[0];
}
