/**
 * Group commit (turn-transaction.ts), watched from a second connection on the
 * same file, as another server process would see it: the checks of one turn
 * share a transaction, nothing is visible (or acknowledged) before its commit, a
 * failing step undoes only itself, and writes of state are transactions of their own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fixture } from '../../spec/control-schemas.js';
import { openDatabase } from '../db/open-database.js';
import { createTestApp } from '../test-support/test-app.js';
import { createStore } from './create-store.js';
import { hashKey } from './random-ids.js';

const fixture: Fixture = {
  accounts: [{ id: 'a', balance: 10, status: 'active', keys: [{ key: 'mk_test_a', revoked: false }] }],
  products: [{ id: 'p', name: 'P', price: 1, stock: 5 }],
};
const rule = { limit: 100, windowMs: 60_000 };

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function storeAndObserver() {
  dir = mkdtempSync(join(tmpdir(), 'turn-'));
  const path = join(dir, 'db.sqlite');
  const store = createStore(openDatabase(path));
  store.loadFixture(fixture, 0);
  const observer = new Database(path, { readonly: true });
  const accepted = () => observer.prepare('SELECT COUNT(*) FROM rate_slots').pluck().get();
  return { store, accepted };
}

describe('the turn transaction', () => {
  it("shares one transaction between a turn's checks and commits it once the turn ends", async () => {
    const { store, accepted } = storeAndObserver();
    for (let i = 0; i < 3; i++) expect(store.rateLimits.hit(`key:${i}`, rule, i)).toEqual({ allowed: true });
    expect(store.db.inTransaction).toBe(true);
    expect(accepted()).toBe(0); // not committed: another process cannot see (nor act) yet
    const committed = store.turn.committed();
    await committed;
    expect(store.db.inTransaction).toBe(false);
    expect(accepted()).toBe(3);
    await expect(store.turn.committed()).resolves.toBeUndefined(); // none open
  });

  it('undoes only the step that fails', async () => {
    const { store, accepted } = storeAndObserver();
    store.rateLimits.hit('key:kept', rule, 0);
    const failing = store.db.transaction(() => {
      store.rateLimits.hit('key:undone', rule, 0);
      throw new Error('this step fails');
    });
    expect(() => failing()).toThrow('this step fails');
    store.rateLimits.hit('key:kept-too', rule, 0);
    await store.turn.committed();
    expect(accepted()).toBe(2);
  });

  it('when its commit fails, undoes the whole turn and tells the caches, whose reads it undid too', async () => {
    const { store, accepted } = storeAndObserver();
    store.db.pragma('defer_foreign_keys = ON'); // a key of no account: refused only at COMMIT
    const version = store.changes.version;
    const limit = { limit: 3, windowMs: 60_000 };
    for (let i = 0; i < 2; i++) expect(store.rateLimits.hit('key:a', limit, 0)).toEqual({ allowed: true });
    store.db.prepare("INSERT INTO api_keys (key_hash, account_id, prefix, created_at) VALUES ('h', 'nobody', 'mk_', 0)").run();
    await expect(store.turn.committed()).rejects.toThrow(/FOREIGN KEY/);
    expect(store.changes.version).not.toBe(version);
    expect(accepted()).toBe(0);
    // The two undone requests do not count: three more are let through, not one.
    for (let i = 0; i < 3; i++) expect(store.rateLimits.hit('key:a', limit, 1)).toEqual({ allowed: true });
    expect(store.rateLimits.hit('key:a', limit, 1).allowed).toBe(false);
    await store.turn.committed();
    expect(accepted()).toBe(3);
  });

  it('commits the open turn before a purchase, which is a transaction of its own', () => {
    const { store, accepted } = storeAndObserver();
    store.rateLimits.hit('key:before', rule, 0);
    const result = store.purchases.purchase({ keyHash: hashKey('mk_test_a'), accountId: 'a', productId: 'p', quantity: 1, reuse: () => 'reject', now: () => 0 }, (order) => JSON.stringify(order));
    expect(result).toHaveProperty('created');
    expect(store.db.inTransaction).toBe(false); // committed, before anything was awaited
    expect(accepted()).toBe(1);
  });

  it('commits the open turn before a control write, which is a transaction of its own', () => {
    const { store, accepted } = storeAndObserver();
    store.rateLimits.hit('key:before', rule, 0);
    store.accounts.credit('a', 1);
    expect(store.db.inTransaction).toBe(false);
    expect(accepted()).toBe(1);
    store.rateLimits.hit('key:again', rule, 0);
    store.transaction(() => store.products.addCodes('p', ['NEW-1']));
    expect(store.db.inTransaction).toBe(false);
    expect(accepted()).toBe(2);
  });

  it('lets an API answer leave only once its request is counted, committed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'turn-'));
    const t = createTestApp({ dbPath: join(dir, 'db.sqlite') });
    const observer = new Database(join(dir, 'db.sqlite'), { readonly: true });
    const answers = await Promise.all([t.call('GET', '/api/v1/balance'), t.call('GET', '/api/v1/products')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(observer.prepare("SELECT COUNT(*) FROM rate_slots WHERE subject LIKE 'key:%'").pluck().get()).toBe(2);
    expect(t.store.db.inTransaction).toBe(false);
  });
});
