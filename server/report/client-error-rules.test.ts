import { describe, expect, it } from 'vitest';
import { journalScript, revoked, suspended, type JournalScript } from '../test-support/journal-script.js';
import { buildReport } from './build-report.js';
import type { RuleId } from './rules.js';

const found = (j: JournalScript, id: RuleId) => buildReport(j.entries, { rateLimit: 20, rateWindowSeconds: 60 }).findings.filter((f) => f.id === id);
const windows = { product_id: '005', quantity: 1 };

describe('repeated-after-client-error', () => {
  it('names a purchase repeated after 402 with no success between', () => {
    const j = journalScript();
    const ids = [1, 2, 3, 4].map((n) => j.purchase(windows, { idempotencyKey: `w-${n}`, errorCode: 'INSUFFICIENT_BALANCE' }));
    const [f] = found(j, 'repeated-after-client-error');
    expect(f).toMatchObject({ severity: 'warning', accountId: 'alice', entryIds: ids });
    expect(f!.happened).toBe(
      'POST /api/v1/purchase {"product_id":"005","quantity":1} got 402 INSUFFICIENT_BALANCE and was repeated 3 times with no success between.',
    );
  });

  it('compares bodies by value (key order, spacing) and sees through 429s and lost answers between repeats', () => {
    const j = journalScript();
    const first = j.purchase('{"product_id":"999","quantity":1}', { errorCode: 'PRODUCT_NOT_FOUND' });
    j.purchase('{ "quantity": 1, "product_id": "999" }', { errorCode: 'RATE_LIMITED' });
    j.purchase('{"quantity":1,"product_id":"999"}', { status: 0, fault: 'reset_before' });
    const again = j.purchase('{ "quantity": 1, "product_id": "999" }', { errorCode: 'PRODUCT_NOT_FOUND' });
    expect(found(j, 'repeated-after-client-error')[0]!.entryIds).toEqual([first, again]);
  });

  it('shows a long or odd body cut short, without control characters', () => {
    const j = journalScript();
    const body = `{"product_id":"\u001b[31m${'x'.repeat(80)}","quantity":1}`;
    j.purchase(body, { errorCode: 'PRODUCT_NOT_FOUND' });
    j.purchase(body, { errorCode: 'PRODUCT_NOT_FOUND' });
    const [f] = found(j, 'repeated-after-client-error');
    expect(f!.happened).toMatch(/^POST \/api\/v1\/purchase \{"product_id":"\?\[31mx+\.\.\. got 404 PRODUCT_NOT_FOUND/);
    expect(f!.happened).not.toMatch(/[\u0000-\u001f]/);
  });

  it('covers 400 and a 404 on an unknown path too', () => {
    const j = journalScript();
    j.purchase({ product_id: '002', quantity: 11 }, { errorCode: 'VALIDATION' });
    j.purchase({ product_id: '002', quantity: 11 }, { errorCode: 'VALIDATION' });
    j.unknownPath();
    j.unknownPath();
    expect(found(j, 'repeated-after-client-error')[0]!.happened).toMatch(/got 400 VALIDATION and was repeated once.*GET \/api\/v1\/nothing got 404 NOT_FOUND and was repeated once/);
  });

  it('covers 413: a body over the limit sent again is refused again (the journal keeps no such body)', () => {
    const j = journalScript();
    const first = j.purchase(null, { errorCode: 'PAYLOAD_TOO_LARGE' });
    j.purchase(null, { status: 0, fault: 'reset_before' });
    const again = j.purchase(null, { errorCode: 'PAYLOAD_TOO_LARGE' });
    const [f] = found(j, 'repeated-after-client-error');
    expect(f).toMatchObject({ severity: 'warning', accountId: 'alice', entryIds: [first, again] });
    expect(f!.happened).toMatch(/got 413 PAYLOAD_TOO_LARGE and was repeated once/);
  });

  it('does not fire when the repeat succeeded (a top-up between), the body changed, after re-fetching /products, or for 409', () => {
    const j = journalScript();
    j.purchase(windows, { idempotencyKey: 'w-1', errorCode: 'INSUFFICIENT_BALANCE' });
    j.purchase(windows, { idempotencyKey: 'w-2' });
    j.purchase({ product_id: '002', quantity: 11 }, { errorCode: 'VALIDATION' });
    j.purchase({ product_id: '002', quantity: 10 }, { errorCode: 'VALIDATION' });
    j.purchase({ product_id: '999', quantity: 1 }, { errorCode: 'PRODUCT_NOT_FOUND' });
    j.products();
    j.purchase({ product_id: '999', quantity: 1 }, { errorCode: 'PRODUCT_NOT_FOUND' });
    j.purchase({ product_id: '003', quantity: 1 }, { errorCode: 'OUT_OF_STOCK' });
    j.purchase({ product_id: '003', quantity: 1 }, { errorCode: 'OUT_OF_STOCK' });
    expect(found(j, 'repeated-after-client-error')).toEqual([]);
  });
});

describe('requests-after-auth-failure', () => {
  it('names a revoked key used on after 401 INVALID_KEY, and a suspended one after 403', () => {
    const j = journalScript();
    const first = j.balance({ ...revoked, errorCode: 'INVALID_KEY' });
    const second = j.products({ ...revoked, errorCode: 'INVALID_KEY' });
    const third = j.purchase({ product_id: '001', quantity: 1 }, { ...revoked, errorCode: 'INVALID_KEY' });
    const forbidden = [j.balance({ ...suspended, errorCode: 'FORBIDDEN' }), j.balance({ ...suspended, errorCode: 'FORBIDDEN' })];
    const [ofRevoked, ofSuspended] = found(j, 'requests-after-auth-failure');
    expect(ofRevoked).toMatchObject({ severity: 'warning', accountId: null, keyPrefix: 'mk_test_re', entryIds: [first, second, third] });
    expect(ofRevoked!.happened).toBe('Key mk_test_re… was answered 401 INVALID_KEY and sent 2 more requests that got the same answer.');
    expect(ofSuspended).toMatchObject({ accountId: 'suspended', entryIds: forbidden });
  });

  it('does not fire for a single 401/403, NO_KEY, or when the key works again (reactivated)', () => {
    const j = journalScript();
    j.balance({ ...revoked, errorCode: 'INVALID_KEY' });
    j.balance({ accountId: null, keyPrefix: null, errorCode: 'NO_KEY' });
    j.balance({ accountId: null, keyPrefix: null, errorCode: 'NO_KEY' });
    j.balance({ ...suspended, errorCode: 'FORBIDDEN' });
    j.balance(suspended);
    j.balance({ ...suspended, errorCode: 'FORBIDDEN' });
    expect(found(j, 'requests-after-auth-failure')).toEqual([]);
  });
});
