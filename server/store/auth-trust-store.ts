/**
 * Which credentials authenticated from which client address, and when: the failed-authentication
 * policy (server/middleware/api-key.ts) lets these through from an address that is over its limit.
 * A success is recorded on every request in principle, but written only when the stored time is
 * more than a minute old: the right-key path is one indexed read. A reset keeps the records: they
 * are about the network, not the sandbox's data.
 */
import type { Db } from '../db/open-database.js';

export type AuthScope = 'key' | 'control';

/** A record this fresh (or newer: the clock may have been moved back) is not written again. */
const REWRITE_AFTER_MS = 60_000;

export function createAuthTrustStore(db: Db) {
  const lastAt = db.prepare<[string, string, string], { at: number }>(
    'SELECT at FROM auth_trust WHERE scope = ? AND address = ? AND credential_hash = ?',
  );
  const upsert = db.prepare(
    'INSERT INTO auth_trust (scope, address, credential_hash, at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET at = MAX(at, excluded.at)',
  );
  const forget = db.prepare('DELETE FROM auth_trust WHERE at <= ?');
  const write = db.transaction((scope: AuthScope, address: string, credentialHash: string, now: number, forgetBefore: number) => {
    forget.run(forgetBefore);
    upsert.run(scope, address, credentialHash, now);
  });

  return {
    /** Did the credential authenticate from the address after `since`? */
    isTrusted: (scope: AuthScope, address: string, credentialHash: string, since: number) => (lastAt.get(scope, address, credentialHash)?.at ?? -Infinity) > since,
    /** Records a success; records at `forgetBefore` or older go. Only a read when the record is fresh. */
    remember(scope: AuthScope, address: string, credentialHash: string, now: number, forgetBefore: number) {
      const stored = lastAt.get(scope, address, credentialHash);
      if (stored && stored.at >= now - REWRITE_AFTER_MS) return;
      write.immediate(scope, address, credentialHash, now, forgetBefore);
    },
  };
}

export type AuthTrustStore = ReturnType<typeof createAuthTrustStore>;
