import { describe, expect, it } from 'vitest';
import { bob, journalScript, type JournalScript } from '../test-support/journal-script.js';
import { buildReport } from './build-report.js';
import type { RuleId } from './rules.js';

const LIVE = { rateLimit: 20, rateWindowSeconds: 60 };
const found = (j: JournalScript, id: RuleId, options = LIVE) => buildReport(j.entries, options).findings.filter((f) => f.id === id);

describe('request-before-retry-after', () => {
  it('names the 429 and the requests sent before its retry_after_seconds had passed', () => {
    const j = journalScript();
    const limited = j.rateLimited('getBalance', 60);
    j.wait(1);
    const early = j.rateLimited('getBalance', 59);
    j.wait(58);
    const stillEarly = j.balance();
    const [f] = found(j, 'request-before-retry-after');
    expect(f).toMatchObject({ severity: 'warning', accountId: 'alice', keyPrefix: 'mk_test_al', entryIds: [limited, early, stillEarly] });
    expect(f!.happened).toBe('Key mk_test_al… sent 2 requests before the retry_after_seconds of a 429 had passed; 1 of them got 429 again.');
  });

  it('does not fire for a request 61 s after a 429 that said 60 s, and counts that as a pass', () => {
    const j = journalScript();
    const limited = j.rateLimited('purchase', 60, { idempotencyKey: 'o-1' });
    j.wait(61);
    j.purchase({ product_id: '002', quantity: 1 }, { idempotencyKey: 'o-1' });
    const r = buildReport(j.entries, LIVE);
    expect(r.findings.map((f) => f.id)).not.toContain('request-before-retry-after');
    expect(r.passes.find((p) => p.id === 'waited-after-rate-limit')).toMatchObject({ entryIds: [limited] });
  });

  it('accepts a request at exactly the deadline, and judges each key alone', () => {
    const j = journalScript();
    j.rateLimited('getBalance', 60);
    j.balance(bob);
    j.wait(60);
    j.balance();
    expect(found(j, 'request-before-retry-after')).toEqual([]);
  });

  it('cannot judge a 429 whose body has no retry_after_seconds (truncated), and does not guess', () => {
    const j = journalScript();
    j.balance({ errorCode: 'RATE_LIMITED', responseBody: '{"success":false,"code":"RATE_LI' });
    j.balance();
    expect(found(j, 'request-before-retry-after')).toEqual([]);
  });

  it('ignores requests to unknown paths: the limit does not see them', () => {
    const j = journalScript();
    j.rateLimited('getBalance', 60);
    j.unknownPath();
    expect(found(j, 'request-before-retry-after')).toEqual([]);
  });
});

describe('over-live-rate-limit', () => {
  const burst = (j: JournalScript, count: number, everySeconds: number) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(j.balance());
      j.wait(everySeconds);
    }
    return ids;
  };
  const loose = { rateLimit: 100, rateWindowSeconds: 60 };

  it('names the requests the live API would refuse when the sandbox let them through', () => {
    const j = journalScript();
    const ids = burst(j, 25, 1);
    const [f] = found(j, 'over-live-rate-limit', loose);
    expect(f).toMatchObject({ severity: 'error', keyPrefix: 'mk_test_al', entryIds: ids.slice(20), entryCount: 5 });
    expect(f!.happened).toBe(
      'Key mk_test_al… sent up to 25 requests in 60 s; the live API allows 20 and would have refused 5 requests with 429, which this sandbox (100 per 60 s) answered.',
    );
  });

  it('replays the live limiter: refused requests do not count, the window rolls', () => {
    const j = journalScript();
    burst(j, 20, 0);
    j.wait(59);
    const refused = j.balance(); // 59 s after 20: refused on live
    j.wait(1);
    j.balance(); // 60 s after the first 20: they have left the window
    expect(found(j, 'over-live-rate-limit', loose)[0]!.entryIds).toEqual([refused]);
  });

  it('does not fire at 20 per 60 s, at a steady 3 s pace, or for two keys of 15 each', () => {
    const j = journalScript();
    burst(j, 20, 0);
    j.wait(60);
    burst(j, 40, 3);
    for (let i = 0; i < 15; i++) j.balance(bob);
    const r = buildReport(j.entries, loose);
    expect(r.findings.map((f) => f.id)).not.toContain('over-live-rate-limit');
    expect(r.passes.map((p) => p.id)).toContain('within-live-rate-limit');
  });

  it('leaves to the sandbox what it refused itself (the client saw those 429s)', () => {
    const j = journalScript();
    burst(j, 20, 0);
    j.rateLimited('getBalance', 60);
    expect(found(j, 'over-live-rate-limit', LIVE)).toEqual([]);
    expect(found(j, 'over-live-rate-limit', { rateLimit: 20, rateWindowSeconds: 30 })).toEqual([]);
  });

  it('does not count requests a fault cut before the server read them', () => {
    const j = journalScript();
    burst(j, 20, 0);
    j.balance({ status: 0, fault: 'reset_before' });
    expect(found(j, 'over-live-rate-limit', loose)).toEqual([]);
  });

  it('counts what the sandbox limiter counts: not a fault before the API, a 401 or a 403; a latency fault, yes', () => {
    const j = journalScript();
    burst(j, 20, 0);
    j.balance({ status: 502, errorCode: 'UPSTREAM_ERROR', fault: 'error_response' });
    j.balance({ status: 0, fault: 'close_before' });
    j.balance({ status: 0, fault: 'hang' });
    j.balance({ errorCode: 'INVALID_KEY' }); // a revoked key of alice's: the journal knows its account
    j.balance({ errorCode: 'FORBIDDEN' });
    expect(found(j, 'over-live-rate-limit', loose)).toEqual([]);
    const slow = j.balance({ fault: 'latency', latencyMs: 2000 });
    expect(found(j, 'over-live-rate-limit', loose)[0]!.entryIds).toEqual([slow]);
  });
});

describe('keys that share the prefix the journal shows', () => {
  const twin = { keyHash: 'hash of another mk_test_al key' };

  it('are judged apart by the live limit', () => {
    const j = journalScript();
    for (let i = 0; i < 15; i++) j.balance();
    for (let i = 0; i < 15; i++) j.balance(twin);
    expect(found(j, 'over-live-rate-limit', { rateLimit: 100, rateWindowSeconds: 60 })).toEqual([]);
  });

  it('are judged apart after a 429 and after a 401', () => {
    const limited = journalScript();
    limited.rateLimited('getBalance', 60);
    limited.balance(twin);
    expect(found(limited, 'request-before-retry-after')).toEqual([]);
    const refused = journalScript();
    refused.balance({ ...twin, errorCode: 'INVALID_KEY' });
    refused.balance({ errorCode: 'INVALID_KEY' });
    expect(found(refused, 'requests-after-auth-failure')).toEqual([]);
  });
});
