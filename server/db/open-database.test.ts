import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';
import { DatabaseTooNewError, migrate, openDatabase, whileBusy } from './open-database.js';

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

  it('switches a new file to WAL while another process holds its write lock, where SQLite answers BUSY without waiting', async () => {
    // A file still in rollback-journal mode, as the second of two processes starting at once finds it.
    const plain = join(mkdtempSync(join(tmpdir(), 'db-')), 'plain.sqlite');
    const raw = new Database(plain);
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    // Another process takes the write lock, and lets it go 200 ms later on its own.
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const holder = spawn(process.execPath, ['-e', `
      const db = new (require(${JSON.stringify(driver)}))(${JSON.stringify(plain)});
      db.exec('BEGIN IMMEDIATE'); db.exec('INSERT INTO t VALUES (1)');
      console.log('locked');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 200);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    // Without the retry this fails at once with SQLITE_BUSY (busy_timeout does not apply).
    const db = openDatabase(plain);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
    db.close();
    await exited;
  });

  it('whileBusy retries only SQLITE_BUSY, and gives up after its budget', () => {
    let calls = 0;
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(whileBusy(() => (++calls < 3 ? (() => { throw busy; })() : 'done'), 1000)).toBe('done');
    expect(calls).toBe(3);
    const other = Object.assign(new Error('no such table'), { code: 'SQLITE_ERROR' });
    calls = 0;
    expect(() => whileBusy(() => { calls++; throw other; }, 1000)).toThrow('no such table');
    expect(calls).toBe(1);
    expect(() => whileBusy(() => { throw busy; }, 0)).toThrow('database is locked');
  });
});
