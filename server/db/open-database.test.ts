import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';
import { DatabaseTooNewError, migrate, openDatabase } from './open-database.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'db-')), 'nested', 'sandbox.sqlite');

describe('openDatabase and migrations', () => {
  it('creates the schema on an empty file, in WAL mode, with foreign keys on', () => {
    const path = tempFile();
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['accounts', 'api_keys', 'codes', 'idempotency_records', 'orders', 'products', 'rate_slots', 'rate_subjects', 'settings']));
    db.close();
  });

  it('reopens an existing database without touching its data', () => {
    const path = tempFile();
    const first = openDatabase(path);
    first.prepare("INSERT INTO accounts (id, status, balance_micros, created_at) VALUES ('x', 'active', 5, 0)").run();
    first.close();
    const again = openDatabase(path);
    expect(migrate(again)).toEqual({ from: migrations.length, to: migrations.length });
    expect(again.prepare("SELECT balance_micros FROM accounts WHERE id = 'x'").pluck().get()).toBe(5);
    again.close();
  });

  it('upgrades an existing database by applying only the migrations it lacks', () => {
    const path = tempFile();
    const db = openDatabase(path);
    db.prepare("INSERT INTO accounts (id, status, balance_micros, created_at) VALUES ('x', 'active', 5, 0)").run();
    const next = [...migrations, 'ALTER TABLE accounts ADD COLUMN note TEXT'];
    expect(migrate(db, next)).toEqual({ from: migrations.length, to: migrations.length + 1 });
    expect(db.prepare("SELECT balance_micros, note FROM accounts WHERE id = 'x'").get()).toEqual({ balance_micros: 5, note: null });
    expect(migrate(db, next)).toEqual({ from: next.length, to: next.length });
    db.close();
  });

  it('refuses a database from a newer mock and leaves it unchanged', () => {
    const path = tempFile();
    openDatabase(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(DatabaseTooNewError);
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(migrations.length + 1);
    check.close();
  });

  it('rolls back a migration that fails halfway', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE accounts (id TEXT)'); // clashes with migration 1
    expect(() => migrate(db)).toThrow(/already exists/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'products'").pluck().get()).toBe(0);
  });
});

describe('a database path that cannot be used', () => {
  it.each(['/proc/nope/x.sqlite', '/dev/null/x.sqlite'])('%s is refused with a clear error, not a hang', (path) => {
    expect(() => openDatabase(path)).toThrow(/cannot open database/);
  });
});
