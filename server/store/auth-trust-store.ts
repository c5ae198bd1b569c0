/**
 * Which credentials authenticated from which client address, and when: the failed-authentication
 * policy (server/middleware/api-key.ts) lets these through from an address that is over its limit.
 * A success is recorded on every request in principle, but written at most once a minute per
 * credential and address by each process (it remembers what it wrote), so the right-key path
 * stays a read path. A reset keeps the records: they are about the network, not the sandbox's data.
 */
import type { Db } from '../db/open-database.js';

export type AuthScope = 'key' | 'control';

/** A process rewrites a record it wrote this recently only when the clock went backwards. */
const REWRITE_AFTER_MS = 60_000;
/** The written-records memory is dropped whole past this size (a record then is simply written again). */
const MEMORY_LIMIT = 10_000;

export function createAuthTrustStore(db: Db) {
  const lookup = db.prepare<[string, string, string, number], { at: number }>(
    'SELECT at FROM auth_trust WHERE scope = ? AND address = ? AND credential_hash = ? AND at > ?',
  );
  const upsert = db.prepare(
    'INSERT INTO auth_trust (scope, address, credential_hash, at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET at = MAX(at, excluded.at)',
  );
  const forget = db.prepare('DELETE FROM auth_trust WHERE at <= ?');
  /** What this process wrote last, by scope, address and hash: the virtual time it wrote. */
  const written = new Map<string, number>();

  return {
    /** Did the credential authenticate from the address after `since`? */
    isTrusted: (scope: AuthScope, address: string, credentialHash: string, since: number) =>
      lookup.get(scope, address, credentialHash, since) !== undefined,
    /** Records a success; records older than `forgetBefore` go. Cheap when this process recorded it in the last minute. */
    remember(scope: AuthScope, address: string, credentialHash: string, now: number, forgetBefore: number) {
      const id = `${scope}\n${address}\n${credentialHash}`;
      const last = written.get(id);
      if (last !== undefined && now - last < REWRITE_AFTER_MS && now >= last) return;
      if (written.size >= MEMORY_LIMIT) written.clear();
      written.set(id, now);
      db.transaction(() => {
        forget.run(forgetBefore);
        upsert.run(scope, address, credentialHash, now);
      }).immediate();
    },
  };
}

export type AuthTrustStore = ReturnType<typeof createAuthTrustStore>;
