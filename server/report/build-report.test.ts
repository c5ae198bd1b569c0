import { describe, expect, it } from 'vitest';
import { carelessIntegration, cleanIntegration, journalScript, SCRIPT_START } from '../test-support/journal-script.js';
import { buildReport, hasFindingAtOrAbove } from './build-report.js';
import { documentedCodes, ruleIds } from './rules.js';

const LIVE = { rateLimit: 20, rateWindowSeconds: 60 };

describe('buildReport', () => {
  it('finds nothing in a clean integration, and shows its passes and full coverage', () => {
    const r = buildReport(cleanIntegration().entries, LIVE);
    expect(r.findings).toEqual([]);
    expect(r.passes.map((p) => p.id)).toEqual([
      'purchases-carried-idempotency-key',
      'retry-kept-idempotency-key',
      'waited-after-rate-limit',
      'within-live-rate-limit',
    ]);
    expect(r.coverage.map((c) => c.code)).toEqual([
      'NO_KEY', 'INVALID_KEY', 'VALIDATION', 'INSUFFICIENT_BALANCE', 'FORBIDDEN', 'PRODUCT_NOT_FOUND', 'OUT_OF_STOCK', 'RATE_LIMITED',
    ]);
    expect(r.coverage.every((c) => c.count === 1)).toBe(true);
    expect(r.counts).toEqual({ requests: 16, purchases: 9, orders: 3, replays: 1, faults: 1, errors: 0, warnings: 0, infos: 0, passes: 4 });
    expect(r.rules.map((rule) => rule.id)).toEqual(ruleIds);
    expect(hasFindingAtOrAbove(r, 'info')).toBe(false);
  });

  it('names every mistake of a careless integration, most severe first', () => {
    const r = buildReport(carelessIntegration().entries, LIVE);
    expect(r.findings.map((f) => `${f.severity} ${f.id}`)).toEqual([
      'error purchase-without-idempotency-key',
      'error retry-without-same-idempotency-key',
      'error unknown-outcome-not-retried',
      'error idempotency-key-reused',
      'warning request-before-retry-after',
      'warning repeated-after-client-error',
      'warning requests-after-auth-failure',
      'info untested-error-codes',
    ]);
    expect(r.counts).toMatchObject({ errors: 4, warnings: 3, infos: 1 });
    expect(r.rules.find((rule) => rule.id === 'over-live-rate-limit')!.findings).toBe(0);
    expect(hasFindingAtOrAbove(r, 'error')).toBe(true);
  });

  it('lists unmet codes with how to provoke them, and says when no purchase met a fault', () => {
    const j = journalScript();
    j.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: 'a' });
    j.purchase({ product_id: '003', quantity: 1 }, { idempotencyKey: 'b', errorCode: 'OUT_OF_STOCK' });
    const r = buildReport(j.entries, LIVE);
    expect(r.coverage[0]).toMatchObject({ code: 'OUT_OF_STOCK', status: 409, count: 1, firstEntryId: 2 });
    expect(r.coverage.slice(1).map((c) => c.code)).toEqual(documentedCodes.filter((c) => c !== 'OUT_OF_STOCK'));
    expect(r.coverage.find((c) => c.code === 'FORBIDDEN')!.howToProvoke).toMatch(/\/_mock\/accounts\/\{id\}\/suspend/);
    expect(r.findings.map((f) => f.id)).toEqual(['untested-error-codes', 'untested-faults']);
    expect(r.findings[0]!.happened).toMatch(/never met 7 of the 8 documented error codes: NO_KEY, INVALID_KEY,/);
  });

  it('is deterministic and echoes its scope, settings and time span', () => {
    const entries = cleanIntegration().entries;
    const options = { rateLimit: 100, rateWindowSeconds: 60, scope: { accountId: 'alice', since: SCRIPT_START } };
    const r = buildReport(entries, options);
    expect(buildReport(entries, options)).toEqual(r);
    expect(r.scope).toEqual({ accountId: 'alice', since: SCRIPT_START });
    expect(r.rateLimit).toEqual({ live: { limit: 20, windowSeconds: 60 }, sandbox: { limit: 100, windowSeconds: 60 } });
    expect([r.firstAt, r.lastAt]).toEqual([SCRIPT_START, SCRIPT_START + 33_000]);
  });

  it('reports an empty journal without failing', () => {
    const r = buildReport([], LIVE);
    expect(r).toMatchObject({ firstAt: null, lastAt: null, counts: { requests: 0 }, passes: [] });
    expect(r.findings.map((f) => f.id)).toEqual(['untested-error-codes']);
  });

  it('reads the requests in the order they arrived, not the order their entries were written', () => {
    // A purchase slowed by a latency fault arrives first and is written last: the client gave up
    // after 5 s and bought again with a new key while it ran. Both were charged.
    const j = journalScript();
    const slow = j.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: 'o-1', fault: 'latency', latencyMs: 8000 });
    j.wait(5);
    const retry = j.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: 'o-2' });
    const written = j.entries.map((e) => ({ ...e, id: e.id === slow ? retry : slow })).sort((a, b) => a.id - b.id);
    const r = buildReport(written, LIVE);
    expect(r.findings.find((f) => f.id === 'retry-without-same-idempotency-key')).toMatchObject({ entryIds: [slow, retry] });
    expect(r.firstAt).toBe(SCRIPT_START);
    expect(r.lastAt).toBe(SCRIPT_START + 5000);
  });
});
