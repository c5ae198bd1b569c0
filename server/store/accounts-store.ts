/** Accounts, their API keys (hashed) and wallets. */
import type { Db } from '../db/open-database.js';
import { cachedReads, type ChangeWatch } from './change-watch.js';
import type { TurnTransaction } from './turn-transaction.js';
import { hashKey, keyPrefix } from './random-ids.js';

/** Key lookups kept in memory at most; past it the memory starts again (keys in use come back at once). */
const MAX_CACHED_KEYS = 10_000;

export type AccountStatus = 'active' | 'suspended';

export interface AccountRow {
  id: string;
  status: AccountStatus;
  balance_micros: number;
  created_at: number;
}

export interface KeyRow {
  key_hash: string;
  account_id: string;
  prefix: string;
  revoked: 0 | 1;
  created_at: number;
}

export interface KeyLookup {
  keyHash: string;
  accountId: string;
  revoked: boolean;
  status: AccountStatus;
}

export function createAccountsStore(db: Db, changes: ChangeWatch, turn?: TurnTransaction) {
  const byKeyHash = db.prepare<[string], { key_hash: string; account_id: string; revoked: 0 | 1; status: AccountStatus }>(
    // A subquery, not a JOIN: SQLite compiles that JOIN again on every run with a new key (see purchases-store.ts).
    `SELECT k.key_hash, k.account_id, k.revoked, (SELECT a.status FROM accounts a WHERE a.id = k.account_id) AS status
     FROM api_keys k WHERE k.key_hash = ?`,
  );
  const byId = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE id = ?');
  const all = db.prepare<[], AccountRow>('SELECT * FROM accounts ORDER BY created_at, id');
  const keysOf = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at, prefix');
  // A write of state is a transaction of its own, never part of the API's shared turn transaction.
  const ownTransaction = () => turn?.flush();
  const insertAccount = db.prepare('INSERT INTO accounts (id, status, balance_micros, created_at) VALUES (?, ?, ?, ?)');
  const insertKey = db.prepare('INSERT INTO api_keys (key_hash, account_id, prefix, revoked, created_at) VALUES (?, ?, ?, ?, ?)');
  const revoke = db.prepare('UPDATE api_keys SET revoked = 1 WHERE key_hash = ?');
  const setStatus = db.prepare('UPDATE accounts SET status = ? WHERE id = ?');
  const credit = db.prepare('UPDATE accounts SET balance_micros = balance_micros + ? WHERE id = ?');
  const keyExists = db.prepare<[string], { n: number }>('SELECT 1 AS n FROM api_keys WHERE key_hash = ?');

  // Every API request looks its key up: the lookups of known keys are kept until the database changes
  // (change-watch.ts), so a repeated key costs neither a hash nor a query. Unknown keys are not kept.
  const lookups = cachedReads<string, Readonly<KeyLookup>>(changes, MAX_CACHED_KEYS);

  return {
    findByKey: (key: string): Readonly<KeyLookup> | undefined =>
      lookups.get(key, () => {
        const row = byKeyHash.get(hashKey(key));
        return row && Object.freeze({ keyHash: row.key_hash, accountId: row.account_id, revoked: row.revoked === 1, status: row.status });
      }),
    getAccount: (id: string) => byId.get(id),
    listAccounts: () => all.all(),
    keysOf: (accountId: string) => keysOf.all(accountId),
    keyExists: (key: string) => keyExists.get(hashKey(key)) !== undefined,
    insertAccount(account: { id: string; status: AccountStatus; balanceMicros: number; now: number }) {
      ownTransaction();
      insertAccount.run(account.id, account.status, account.balanceMicros, account.now);
    },
    insertKey(accountId: string, key: string, now: number, revoked = false) {
      ownTransaction();
      insertKey.run(hashKey(key), accountId, keyPrefix(key), revoked ? 1 : 0, now);
      changes.wrote();
    },
    /** Returns the account id the key belonged to, or undefined when no key matches. */
    revokeKey(key: string): string | undefined {
      ownTransaction();
      const found = byKeyHash.get(hashKey(key));
      if (!found) return undefined;
      revoke.run(found.key_hash);
      changes.wrote();
      return found.account_id;
    },
    setStatus(id: string, status: AccountStatus) {
      ownTransaction();
      const changed = setStatus.run(status, id).changes > 0;
      changes.wrote();
      return changed;
    },
    credit(id: string, micros: number) {
      ownTransaction();
      return credit.run(micros, id).changes > 0;
    },
  };
}

export type AccountsStore = ReturnType<typeof createAccountsStore>;
