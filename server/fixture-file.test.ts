import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIXTURE_PATH, FixtureError, parseFixture, readFixtureFile } from './fixture-file.js';

const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));

describe('fixture files', () => {
  it('every file in fixtures/ parses with the Fixture schema', () => {
    const files = readdirSync(fixturesDir).filter((f) => f.endsWith('.json'));
    expect(files).toContain('default.json');
    for (const file of files) expect(() => readFixtureFile(join(fixturesDir, file)), file).not.toThrow();
  });

  it('the default fixture has the documented sandbox keys and products', () => {
    const fixture = readFixtureFile(DEFAULT_FIXTURE_PATH);
    const byKey = new Map(fixture.accounts.flatMap((a) => a.keys.map((k) => [k.key, { ...a, revoked: k.revoked }])));
    expect(Number(byKey.get('mk_test_alice')!.balance)).toBe(100);
    expect(Number(byKey.get('mk_test_bob')!.balance)).toBe(0.5);
    expect(Number(byKey.get('mk_test_empty')!.balance)).toBe(0);
    expect(byKey.get('mk_test_suspended')!.status).toBe('suspended');
    expect(byKey.get('mk_test_revoked')!.revoked).toBe(true);
    const product = (id: string) => fixture.products.find((p) => p.id === id)!;
    expect(Number(product('001').price)).toBeLessThanOrEqual(1);
    expect(product('001').stock).toBeGreaterThanOrEqual(100);
    expect(product('002').stock).toBeGreaterThanOrEqual(10);
    expect(Number(product('002').price)).toBeLessThanOrEqual(10);
    expect(product('003').stock).toBe(0);
    expect(product('004').stock).toBe(3);
    expect(Number(product('005').price)).toBeGreaterThan(100);
  });

  it('rejects a bad fixture with the path of each bad field', () => {
    const bad = {
      accounts: [
        { id: 'a', balance: '-1', keys: [{ key: 'not_a_key' }] },
        { id: 'a', balance: 1 },
      ],
      products: [{ id: '001', name: 'x', price: 0.1234567, stock: 1 }, { id: '002', name: 'y', price: 1, stock: 1, codes: ['c'] }],
    };
    let message = '';
    try {
      parseFixture(bad, 'bad.json');
    } catch (error) {
      expect(error).toBeInstanceOf(FixtureError);
      message = (error as Error).message;
    }
    expect(message).toContain('bad.json');
    expect(message).toContain('accounts.0.balance');
    expect(message).toContain('accounts.0.keys.0.key');
    expect(message).toContain('accounts.1.id: duplicate account id');
    expect(message).toContain('products.0.price');
    expect(message).toContain('products.1: give either stock or codes');
  });

  it('rejects duplicate codes and keys', () => {
    expect(() =>
      parseFixture(
        {
          accounts: [{ id: 'a', keys: [{ key: 'mk_x' }] }, { id: 'b', keys: [{ key: 'mk_x' }] }],
          products: [{ id: '1', name: 'p', price: 1, codes: ['A', 'B'] }, { id: '2', name: 'q', price: 1, codes: ['B'] }],
        },
        'dup.json',
      ),
    ).toThrow(/accounts\.1\.keys\.0\.key: duplicate key[\s\S]*products\.1\.codes\.0: duplicate code/);
  });

  it('says which file cannot be read or is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixture-'));
    writeFileSync(join(dir, 'broken.json'), '{ "accounts": [');
    expect(() => readFixtureFile(join(dir, 'broken.json'))).toThrow(/broken\.json is not valid JSON/);
    expect(() => readFixtureFile(join(dir, 'missing.json'))).toThrow(/cannot read fixture file .*missing\.json: ENOENT/);
  });
});
