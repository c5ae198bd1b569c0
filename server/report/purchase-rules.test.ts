import { describe, expect, it } from 'vitest';
import { bob, journalScript, type JournalScript } from '../test-support/journal-script.js';
import { buildReport } from './build-report.js';
import type { RuleId } from './rules.js';

const LIVE = { rateLimit: 20, rateWindowSeconds: 60 };
const report = (j: JournalScript) => buildReport(j.entries, LIVE);
const found = (j: JournalScript, id: RuleId) => report(j).findings.filter((f) => f.id === id);
const steam = { product_id: '002', quantity: 1 };

describe('purchase-without-idempotency-key', () => {
  it('names each purchase sent without a key, per account', () => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'o-1' });
    const a = j.purchase(steam);
    const b = j.purchase(steam, bob);
    const [alice, ofBob] = found(j, 'purchase-without-idempotency-key');
    expect(alice).toMatchObject({ severity: 'error', accountId: 'alice', entryIds: [a], entryCount: 1 });
    expect(alice!.happened).toBe('1 of 2 purchases of account alice carried no Idempotency-Key.');
    expect(alice!.fix).toMatch(/Idempotency-Key on every POST \/purchase/);
    expect(ofBob).toMatchObject({ accountId: 'bob', entryIds: [b] });
  });

  it('passes when every purchase carried one; purchases without a known account are not judged', () => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'o-1' });
    j.purchase(steam, { accountId: null, keyPrefix: null, errorCode: 'NO_KEY' });
    const r = report(j);
    expect(r.findings.map((f) => f.id)).not.toContain('purchase-without-idempotency-key');
    expect(r.passes.map((p) => p.id)).toContain('purchases-carried-idempotency-key');
  });

  it('lists at most 20 entry ids, with the count', () => {
    const j = journalScript();
    for (let i = 0; i < 25; i++) {
      j.purchase({ product_id: '001', quantity: 1 });
      j.wait(10);
    }
    const [f] = found(j, 'purchase-without-idempotency-key');
    expect(f!.entryIds).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(f!.entryCount).toBe(25);
  });
});

describe('retry-without-same-idempotency-key', () => {
  it('fires when a purchase that got no answer is retried with another key, naming both attempts', () => {
    const j = journalScript();
    const first = j.purchase(steam, { idempotencyKey: 'o-1', status: 0, fault: 'reset_before' });
    j.wait(5);
    const retry = j.purchase(steam, { idempotencyKey: 'o-2' });
    const [f] = found(j, 'retry-without-same-idempotency-key');
    expect(f).toMatchObject({ severity: 'error', accountId: 'alice', entryIds: [first, retry] });
    expect(f!.happened).toMatch(/1 failed purchase of account alice \(product 002 × 1\) was retried with another Idempotency-Key/);
    expect(f!.happened).toMatch(/On live, a first attempt that went through would have been charged twice/);
  });

  it('says the wallet was charged twice when the first attempt had committed (after_commit_*)', () => {
    const j = journalScript();
    const first = j.purchase(steam, { idempotencyKey: 'o-1', status: 0, fault: 'after_commit_reset' });
    j.wait(30);
    const retry = j.purchase(steam);
    const [f] = found(j, 'retry-without-same-idempotency-key');
    expect(f!.entryIds).toEqual([first, retry]);
    expect(f!.happened).toMatch(/was retried without an Idempotency-Key\./);
    expect(f!.happened).toMatch(/The first attempt had been committed \(after_commit_reset\): the wallet was charged, and the retry charged it again/);
  });

  it('groups an account\'s retries into one finding and says how many came without a key', () => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'o-1', status: 502 });
    j.purchase(steam, { idempotencyKey: 'o-2' });
    j.purchase({ product_id: '001', quantity: 2 }, { idempotencyKey: 'o-3', status: 0, fault: 'reset_before' });
    j.purchase({ product_id: '001', quantity: 2 });
    const [f, ...more] = found(j, 'retry-without-same-idempotency-key');
    expect(more).toEqual([]);
    expect(f!.entryIds).toEqual([1, 2, 3, 4]);
    expect(f!.happened).toMatch(/^2 failed purchases of account alice \(product 002 × 1, product 001 × 2\) were retried with another Idempotency-Key or none \(1 without\)\./);
  });

  it('says the same when the first attempt succeeded slowly (a latency fault) and the client did not wait for it', () => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'o-1', fault: 'latency', latencyMs: 30_000 });
    j.wait(30);
    j.purchase(steam, { idempotencyKey: 'o-2' });
    expect(found(j, 'retry-without-same-idempotency-key')[0]!.happened).toMatch(/The first attempt had been committed \(latency\): the wallet was charged, and the retry charged it again\./);
  });

  it.each([
    ['a 5xx', { status: 500, errorCode: 'INTERNAL_ERROR' }],
    ['a 429', { errorCode: 'RATE_LIMITED' }],
    ['a hang', { status: 0, fault: 'hang' as const }],
    ['a latency fault', { fault: 'latency' as const }],
  ])('counts %s as a failed attempt', (_, failure) => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'o-1', ...failure });
    j.wait(61);
    j.purchase(steam, { idempotencyKey: 'o-1b' });
    expect(found(j, 'retry-without-same-idempotency-key')).toHaveLength(1);
  });

  it('is a pass, not a finding, when the retry kept the key', () => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'o-1', status: 0, fault: 'after_commit_reset', orderId: 'ord_1' });
    j.wait(2);
    const retry = j.purchase(steam, { idempotencyKey: 'o-1', orderId: 'ord_1', replayed: true });
    const r = report(j);
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.passes.find((p) => p.id === 'retry-kept-idempotency-key')).toMatchObject({ entryIds: [retry], entryCount: 1 });
  });

  it('is not a retry when the product or the quantity differs, the account differs, or more than 10 minutes passed', () => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'o-1', errorCode: 'RATE_LIMITED' });
    j.purchase({ product_id: '004', quantity: 1 }, { idempotencyKey: 'o-2' });
    j.purchase({ product_id: '002', quantity: 2 }, { idempotencyKey: 'o-3' });
    j.purchase(steam, { idempotencyKey: 'o-4', ...bob });
    j.wait(10 * 60 + 1);
    j.purchase(steam, { idempotencyKey: 'o-5' });
    expect(found(j, 'retry-without-same-idempotency-key')).toEqual([]);
  });

  it('judges only the next matching purchase: a retry at exactly 10 minutes counts', () => {
    const j = journalScript();
    const first = j.purchase(steam, { idempotencyKey: 'o-1', status: 503 });
    j.wait(600);
    const retry = j.purchase(steam, { idempotencyKey: 'o-2' });
    j.purchase(steam, { idempotencyKey: 'o-3' });
    expect(found(j, 'retry-without-same-idempotency-key')[0]!.entryIds).toEqual([first, retry]);
  });
});

describe('unknown-outcome-not-retried', () => {
  it('warns about a purchase with no answer and no retry', () => {
    const j = journalScript();
    const lost = j.purchase(steam, { idempotencyKey: 'o-1', status: 0, fault: 'hang' });
    const [f] = found(j, 'unknown-outcome-not-retried');
    expect(f).toMatchObject({ severity: 'warning', entryIds: [lost] });
    expect(f!.happened).toMatch(/the client cannot know whether it paid/);
  });

  it('is an error when that purchase had been committed: paid, codes never received', () => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'o-1', status: 0, fault: 'after_commit_hang' });
    const [f] = found(j, 'unknown-outcome-not-retried');
    expect(f!.severity).toBe('error');
    expect(f!.happened).toMatch(/it had been committed: paid for, and the codes never reached the client/);
  });

  it('does not fire for a 429 (nothing happened) or when a retry came', () => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'o-1', errorCode: 'RATE_LIMITED' });
    j.purchase({ product_id: '001', quantity: 1 }, { idempotencyKey: 'o-2', status: 502 });
    j.wait(60);
    j.purchase({ product_id: '001', quantity: 1 }, { idempotencyKey: 'o-2' });
    expect(found(j, 'unknown-outcome-not-retried')).toEqual([]);
  });
});

describe('idempotency-key-reused', () => {
  it('fires on 422 IDEMPOTENCY_KEY_REUSED', () => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'k' });
    const reuse = j.purchase({ product_id: '002', quantity: 2 }, { idempotencyKey: 'k', errorCode: 'IDEMPOTENCY_KEY_REUSED' });
    const [f] = found(j, 'idempotency-key-reused');
    expect(f).toMatchObject({ severity: 'error', entryIds: [reuse] });
    expect(f!.happened).toMatch(/\("k"\): 1 answered 422 IDEMPOTENCY_KEY_REUSED/);
  });

  it('fires on a lenient replay whose body differs from the purchase that made the order', () => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'k', orderId: 'ord_1' });
    const replayedAsFirst = j.purchase({ product_id: '004', quantity: 1 }, { idempotencyKey: 'k', orderId: 'ord_1', replayed: true });
    const [f] = found(j, 'idempotency-key-reused');
    expect(f!.entryIds).toEqual([replayedAsFirst]);
    expect(f!.happened).toMatch(/1 got the earlier order replayed instead/);
  });

  it('does not fire on a replay of the same body (a retry), nor on the same key in two accounts', () => {
    const j = journalScript();
    j.purchase(steam, { idempotencyKey: 'k', orderId: 'ord_1' });
    j.purchase(steam, { idempotencyKey: 'k', orderId: 'ord_1', replayed: true });
    j.purchase({ product_id: '001', quantity: 3 }, { idempotencyKey: 'k', ...bob });
    expect(found(j, 'idempotency-key-reused')).toEqual([]);
  });
});
