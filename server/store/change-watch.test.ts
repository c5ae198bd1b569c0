/**
 * The per-process caches (settings, the clock's offset, key lookups) against two
 * connections on one file, as two server processes would have: another's commit is
 * seen after one look, this process's own writes at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fixture } from '../../spec/control-schemas.js';
import { openDatabase } from '../db/open-database.js';
import { cachedReads, type ChangeWatch } from './change-watch.js';
import { createStore } from './create-store.js';
import { hashKey } from './random-ids.js';

const fixture: Fixture = {
  accounts: [{ id: 'a', balance: 1, status: 'active', keys: [{ key: 'mk_test_a', revoked: false }] }],
  products: [],
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const twoStores = () => {
  dir = mkdtempSync(join(tmpdir(), 'change-watch-'));
  const path = join(dir, 'db.sqlite');
  const one = createStore(openDatabase(path));
  one.loadFixture(fixture, 0);
  return [one, createStore(openDatabase(path))] as const;
};

describe('per-process caches', () => {
  it("see another connection's commits after one look, and not before", () => {
    const [mine, other] = twoStores();
    expect(mine.settings.getSettings().rate_limit).toBe(20);
    expect(mine.settings.clockOffset.readOffsetMs()).toBe(0);
    expect(mine.accounts.findByKey('mk_test_a')).toMatchObject({ accountId: 'a', revoked: false, status: 'active' });

    other.settings.changeSettings({ rate_limit: 7 });
    other.settings.clockOffset.writeOffsetMs(61_000);
    other.accounts.setStatus('a', 'suspended');
    // Still the cached values: the process has not looked yet (the app looks at the start of a request).
    expect(mine.settings.getSettings().rate_limit).toBe(20);
    mine.changes.look();
    expect(mine.settings.getSettings().rate_limit).toBe(7);
    expect(mine.settings.clockOffset.readOffsetMs()).toBe(61_000);
    expect(mine.accounts.findByKey('mk_test_a')).toMatchObject({ status: 'suspended' });

    other.accounts.revokeKey('mk_test_a');
    mine.changes.look();
    expect(mine.accounts.findByKey('mk_test_a')).toMatchObject({ revoked: true });
    other.loadFixture({ accounts: [], products: [] }, 0);
    mine.changes.look();
    expect(mine.accounts.findByKey('mk_test_a')).toBeUndefined();
  });

  it("see the process's own writes at once, also through a rolled-back transaction", () => {
    const [mine] = twoStores();
    expect(mine.accounts.findByKey('mk_test_a')).toMatchObject({ revoked: false });
    mine.settings.changeSettings({ idempotency_reuse: 'replay' });
    expect(mine.settings.getSettings().idempotency_reuse).toBe('replay');
    mine.accounts.revokeKey('mk_test_a');
    expect(mine.accounts.findByKey('mk_test_a')).toMatchObject({ revoked: true });
    expect(() =>
      mine.transaction(() => {
        mine.accounts.insertKey('a', 'mk_test_new', 0);
        expect(mine.accounts.findByKey('mk_test_new')).toBeDefined();
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(mine.accounts.findByKey('mk_test_new')).toBeUndefined();
  });

  it('survive writes no cache holds: the rate limiter, purchases', () => {
    const [mine] = twoStores();
    mine.changes.look(); // the second connection's migration check committed
    const settings = mine.settings.getSettings();
    const lookup = mine.accounts.findByKey('mk_test_a');
    const version = mine.changes.version;
    mine.rateLimits.hit('key:x', { limit: 5, windowMs: 1000 }, 0);
    mine.purchases.purchase({ keyHash: hashKey('mk_test_a'), accountId: 'a', productId: 'none', quantity: 1, reuse: () => 'reject', now: () => 0 }, () => '');
    mine.changes.look();
    expect(mine.changes.version).toBe(version);
    expect(mine.settings.getSettings()).toBe(settings);
    expect(mine.accounts.findByKey('mk_test_a')).toBe(lookup);
  });
});

describe('cachedReads', () => {
  const watch = () => {
    let version = 0;
    return { get version() { return version; }, look() {}, wrote() { version++; } } satisfies ChangeWatch;
  };

  it('reads a key once until the watch moves, keeps no undefined, and drops everything past its bound', () => {
    const changes = watch();
    const reads: string[] = [];
    const cache = cachedReads<string, string>(changes, 2);
    const read = (key: string) => () => (reads.push(key), key === 'missing' ? undefined : key.toUpperCase());
    expect([cache.get('a', read('a')), cache.get('a', read('a')), cache.get('missing', read('missing')), cache.get('missing', read('missing'))])
      .toEqual(['A', 'A', undefined, undefined]);
    expect(reads).toEqual(['a', 'missing', 'missing']);
    changes.wrote();
    cache.get('a', read('a'));
    cache.get('b', read('b'));
    cache.get('c', read('c')); // two kept: all dropped first
    cache.get('a', read('a'));
    expect(reads).toEqual(['a', 'missing', 'missing', 'a', 'b', 'c', 'a']);
  });
});
