/** The stored fixture: what resets return to lives in the database, and startup seeds only what is missing. */
import { describe, expect, it } from 'vitest';
import type { Fixture } from '../../spec/control-schemas.js';
import { openDatabase } from '../db/open-database.js';
import { createStore } from './create-store.js';

const fixture = (id: string, balance: number): Fixture => ({
  accounts: [{ id, balance, status: 'active', keys: [{ key: `mk_test_${id}`, revoked: false }] }],
  products: [{ id: 'p', name: 'P', price: 1, stock: 2 }],
});
const balanceOf = (store: ReturnType<typeof createStore>, id: string) => store.accounts.getAccount(id)?.balance_micros;

describe('the stored fixture', () => {
  it('a new database is seeded: its state and its reset target are the fixture', () => {
    const store = createStore(openDatabase(':memory:'));
    expect(store.currentFixture()).toBeUndefined();
    expect(store.seedFixture(fixture('a', 5), 0)).toBe(true);
    expect(balanceOf(store, 'a')).toBe(5_000_000);
    expect(store.currentFixture()).toEqual(fixture('a', 5));
  });

  it('a database with a fixture keeps it and its state at the next start, whatever file is given', () => {
    const store = createStore(openDatabase(':memory:'));
    store.loadFixture(fixture('a', 5), 0);
    store.accounts.credit('a', 1_000_000);
    expect(store.seedFixture(fixture('b', 9), 0)).toBe(false);
    expect(balanceOf(store, 'a')).toBe(6_000_000);
    expect(store.currentFixture()).toEqual(fixture('a', 5));
  });

  it('a database with state but no fixture (made before fixtures were stored) keeps its state and resets to the file', () => {
    const store = createStore(openDatabase(':memory:'));
    store.loadFixture(fixture('old', 1), 0);
    store.db.exec('DELETE FROM current_fixture');
    expect(store.seedFixture(fixture('a', 5), 0)).toBe(false);
    expect(balanceOf(store, 'old')).toBe(1_000_000);
    store.resetToFixture(0);
    expect(balanceOf(store, 'old')).toBeUndefined();
    expect(balanceOf(store, 'a')).toBe(5_000_000);
  });

  it('loading a fixture replaces the state and the reset target together; a reset returns to it', () => {
    const store = createStore(openDatabase(':memory:'));
    store.seedFixture(fixture('a', 5), 0);
    store.loadFixture(fixture('b', 9), 0);
    store.accounts.credit('b', 1_000_000);
    expect(store.resetToFixture(0)).toEqual(fixture('b', 9));
    expect(balanceOf(store, 'b')).toBe(9_000_000);
    expect(balanceOf(store, 'a')).toBeUndefined();
  });
});
