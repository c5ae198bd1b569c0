/**
 * GET /products keeps its rendered answer: it must still change with every write
 * that changes the list, from this process (a purchase, the control API) or from
 * another process on the same file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open-database.js';
import { createStore } from '../store/create-store.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import { hashKey } from '../store/random-ids.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const product = async (t: TestApp, id: string) => ((await t.call('GET', '/api/v1/products')).json.products as { id: string }[]).find((p) => p.id === id);

describe('the GET /products answer', () => {
  it('follows purchases and control writes of this process', async () => {
    const t = createTestApp();
    expect(await product(t, '004')).toMatchObject({ stock: 3, in_stock: true, price: 3.5 });
    expect((await t.purchase({ product_id: '004', quantity: 3 })).status).toBe(200);
    expect(await product(t, '004')).toMatchObject({ stock: 0, in_stock: false });
    await t.control('POST', '/products/004/codes', { count: 2 });
    expect(await product(t, '004')).toMatchObject({ stock: 2 });
    await t.control('PUT', '/products/004', { name: 'Renamed', price: '4.25' });
    expect(await product(t, '004')).toMatchObject({ name: 'Renamed', price: 4.25, stock: 2 });
    await t.control('PUT', '/products/new', { name: 'New', price: 1, stock: 1 });
    expect(await product(t, 'new')).toMatchObject({ stock: 1 });
    await t.control('POST', '/reset');
    expect(await product(t, 'new')).toBeUndefined();
    expect(await product(t, '004')).toMatchObject({ name: 'Spotify Premium 1 Month', stock: 3 });
  });

  it("follows another process's writes to the same file", async () => {
    dir = mkdtempSync(join(tmpdir(), 'products-answer-'));
    const path = join(dir, 'db.sqlite');
    const t = createTestApp({ dbPath: path });
    const other = createStore(openDatabase(path));
    expect(await product(t, '002')).toMatchObject({ stock: 100 });
    other.transaction(() => other.products.addCodes('002', ['OTHER-1']));
    expect(await product(t, '002')).toMatchObject({ stock: 101 });
    other.purchases.purchase({ keyHash: hashKey('mk_test_alice'), accountId: 'alice', productId: '002', quantity: 2, reuse: () => 'reject', now: () => t.clock.now() }, () => '{}');
    expect(await product(t, '002')).toMatchObject({ stock: 99 });
  });
});
