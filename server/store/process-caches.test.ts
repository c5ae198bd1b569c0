/**
 * What a process keeps in memory to spare reads on the hot path (the rate limiter's rings,
 * which credentials authenticated from where, whether any fault rule exists) follows what
 * another process on the same file commits: it is looked at when this process's next turn
 * (or transaction) begins, and answers from then on as if it had read the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fixture } from '../../spec/control-schemas.js';
import { openDatabase } from '../db/open-database.js';
import { createStore, type Store } from './create-store.js';

const fixture: Fixture = {
  accounts: [{ id: 'a', balance: 10, status: 'active', keys: [{ key: 'mk_test_a', revoked: false }] }],
  products: [{ id: 'p', name: 'P', price: 1, stock: 5 }],
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Two stores on one file, as two server processes have. */
function twoProcesses(): [Store, Store] {
  dir = mkdtempSync(join(tmpdir(), 'caches-'));
  const path = join(dir, 'db.sqlite');
  const one = createStore(openDatabase(path));
  one.loadFixture(fixture, 0);
  return [one, createStore(openDatabase(path))];
}

/** One event-loop turn of API work in a process: its transaction begins (and looks), fn runs, it commits. */
function turn<T>(store: Store, fn: () => T): T {
  store.turn.enter();
  try {
    return fn();
  } finally {
    store.turn.flush();
  }
}

describe("what a process keeps in memory follows the other process's commits", () => {
  it('the rate limit: requests counted by the other process fill the window this one decides on', () => {
    const [one, two] = twoProcesses();
    const rule = { limit: 4, windowMs: 60_000 };
    const hit = (store: Store, at: number) => turn(store, () => store.rateLimits.hit('key:k', rule, at).allowed);
    expect([hit(one, 0), hit(one, 1)]).toEqual([true, true]); // one knows the ring now
    expect([hit(two, 2), hit(two, 3)]).toEqual([true, true]);
    expect(hit(one, 4)).toBe(false);
    expect(turn(one, () => one.rateLimits.peek('key:k', rule, 60_001))).toEqual({ allowed: true }); // 0 and 1 left
    expect([hit(one, 60_001), hit(two, 60_001)]).toEqual([true, true]);
    expect([hit(one, 60_001), hit(two, 60_001)]).toEqual([false, false]);
  });

  it('fault rules: a rule the other process adds applies from this process’s next turn', () => {
    const [one, two] = twoProcesses();
    expect(turn(one, () => one.faults.candidates('before', 'getBalance'))).toEqual([]);
    two.faults.add({ kind: 'error_response', status: 503, body: 'json', operation: 'getBalance' }, 'api', 0);
    expect(turn(one, () => one.faults.candidates('before', 'getBalance').map((rule) => rule.kind))).toEqual(['error_response']);
    two.faults.removeAll();
    expect(turn(one, () => one.faults.candidates('before', 'getBalance'))).toEqual([]);
    one.faults.add({ kind: 'latency', ms: 5, operation: 'getBalance' }, 'api', 0); // its own, at once
    expect(turn(one, () => one.faults.candidates('before', 'getBalance').map((rule) => rule.kind))).toEqual(['latency']);
  });

  it('trusted credentials: one the other process saw authenticate from an address is trusted here', () => {
    const [one, two] = twoProcesses();
    const day = 24 * 60 * 60 * 1000;
    const trusted = (store: Store, now: number) => turn(store, () => store.authTrust.isTrusted('key', '10.0.0.1', 'hash', now - day));
    expect(trusted(one, 1000)).toBe(false);
    turn(two, () => two.authTrust.remember('key', '10.0.0.1', 'hash', 1000, 1000 - day));
    expect(trusted(one, 1000)).toBe(true);
    expect(trusted(one, 1000 + day)).toBe(false); // a day later it no longer counts
  });
});
