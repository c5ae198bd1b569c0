/**
 * Which credentials authenticated from which client address, and when: the failed-authentication
 * policy (server/middleware/api-key.ts) lets these through from an address that is over its limit.
 * A success is recorded on every request in principle, but written only when the stored time is
 * more than a minute old. What this process last read or wrote of a record stays in memory until the
 * change watch moves (another process committed, or this one wrote around it: change-watch.ts), so
 * the right-key path usually reads nothing. A reset keeps the records: they are about the network,
 * not the sandbox's data.
 */
import type { Db } from '../db/open-database.js';
import { cachedReads, type ChangeWatch } from './change-watch.js';

export type AuthScope = 'key' | 'control';

/** A record this fresh (or newer: the clock may have been moved back) is not written again. */
const REWRITE_AFTER_MS = 60_000;
/** Past this many records in memory, they are forgotten: memory stays bounded whatever the addresses. */
const MAX_KNOWN = 10_000;

export function createAuthTrustStore(db: Db, changes: ChangeWatch) {
  const lastAt = db.prepare<[string, string, string], { at: number }>(
    'SELECT at FROM auth_trust WHERE scope = ? AND address = ? AND credential_hash = ?',
  );
  const upsert = db.prepare(
    'INSERT INTO auth_trust (scope, address, credential_hash, at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET at = MAX(at, excluded.at)',
  );
  const forget = db.prepare('DELETE FROM auth_trust WHERE at <= ?');
  const write = db.transaction((scope: AuthScope, address: string, credentialHash: string, now: number, forgetBefore: number) => {
    const forgotten = forget.run(forgetBefore).changes;
    upsert.run(scope, address, credentialHash, now);
    return forgotten;
  });

  // Record -> its stored time (null: none), as last read here, while the watch stands still.
  const known = cachedReads<string, number | null>(changes, MAX_KNOWN);
  const recordOf = (scope: AuthScope, address: string, credentialHash: string) => `${scope} ${address} ${credentialHash}`;
  const storedAt = (scope: AuthScope, address: string, credentialHash: string): number | null =>
    known.get(recordOf(scope, address, credentialHash), () => lastAt.get(scope, address, credentialHash)?.at ?? null)!;

  return {
    /** Did the credential authenticate from the address after `since`? */
    isTrusted: (scope: AuthScope, address: string, credentialHash: string, since: number) => (storedAt(scope, address, credentialHash) ?? -Infinity) > since,
    /** Records a success; records at `forgetBefore` or older go. Nothing is written while the record is fresh. */
    remember(scope: AuthScope, address: string, credentialHash: string, now: number, forgetBefore: number) {
      const stored = storedAt(scope, address, credentialHash);
      if (stored !== null && stored >= now - REWRITE_AFTER_MS) return;
      try {
        // Forgetting others' records is rare (a day after they were written): then nothing known stays.
        if (write.immediate(scope, address, credentialHash, now, forgetBefore) > 0) known.forgetAll();
      } finally {
        known.forget(recordOf(scope, address, credentialHash)); // the upsert keeps the later time: read it again
      }
    },
  };
}

export type AuthTrustStore = ReturnType<typeof createAuthTrustStore>;
