/**
 * The failed-authentication policy, in-process: wrong keys count against their client address;
 * once it is over the limit, only keys that already authenticated from that address get through,
 * everything else waits without being judged. Several addresses share one store and one clock.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../create-app.js';
import { createTestApp, readAnswer, type TestApp } from '../test-support/test-app.js';

const TOKEN = 'control-token-for-tests';
let t: TestApp;
beforeEach(() => {
  t = createTestApp({ controlToken: TOKEN });
});

/** A client at `address`, on the same store and clock as t. */
const from = (address: string) => {
  const app = createApp({ store: t.store, clock: t.clock, controlToken: TOKEN, version: 'test', clientAddress: () => address });
  return {
    balance: async (key?: string) => readAnswer(await app.request('/api/v1/balance', { headers: key === undefined ? {} : { 'X-API-Key': key } })),
    control: async (token?: string) =>
      readAnswer(await app.request('/_mock/state', { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } })),
  };
};

const guess = async (client: ReturnType<typeof from>, n: number) => {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await client.balance(`mk_guess_${i}`)).status);
  return statuses;
};

describe('wrong keys from one address', () => {
  it('slow the guesser and leave the keys the address already uses working', async () => {
    const office = from('203.0.113.9');
    expect((await office.balance('mk_test_alice')).status).toBe(200);
    expect(await guess(office, 20)).toEqual(Array(20).fill(401));

    const locked = await office.balance('mk_guess_20');
    expect(locked.status).toBe(429);
    expect(locked.json).toMatchObject({ code: 'RATE_LIMITED', limit_scope: 'failed_auth_address', retry_after_seconds: 60 });
    expect(locked.json.error).toMatch(/failed authentications from your address/);
    expect(locked.headers.get('Retry-After')).toBe('60');

    // alice authenticated here before: she goes on. bob (a right key new to this address) and a
    // revoked key look exactly like a guess: nothing is judged until the window frees.
    expect((await office.balance('mk_test_alice')).status).toBe(200);
    const bob = await office.balance('mk_test_bob');
    expect(bob.json).toEqual({ ...locked.json, error: bob.json.error });
    expect((await office.balance('mk_test_revoked')).status).toBe(429);
    // A missing key guesses nothing: still the plain 401.
    expect((await office.balance()).json.code).toBe('NO_KEY');

    // Another address is not affected, and the refusals were not counted: one window later it is all over.
    expect((await from('198.51.100.7').balance('mk_test_bob')).status).toBe(200);
    t.clock.advance(60_000);
    expect((await office.balance('mk_test_bob')).status).toBe(200);
    expect((await office.balance('mk_guess_again')).status).toBe(401);
  });

  it('a key used from the address more than 24 h ago is new to it again', async () => {
    const office = from('203.0.113.9');
    expect((await office.balance('mk_test_alice')).status).toBe(200);
    t.clock.advance(24 * 3600 * 1000);
    await guess(office, 20);
    expect((await office.balance('mk_test_alice')).status).toBe(429);
  });

  it('a reset lifts the lock but not what the address is known to use', async () => {
    const office = from('203.0.113.9');
    expect((await office.balance('mk_test_alice')).status).toBe(200);
    await guess(office, 20);
    expect((await t.control('POST', '/reset', undefined, { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await office.balance('mk_guess_after_reset')).status).toBe(401);
    await guess(office, 20);
    expect((await office.balance('mk_test_alice')).status).toBe(200);
    expect((await office.balance('mk_test_bob')).status).toBe(429);
  });

  it('a key used through a long lockout stays accepted after 24 h of it', async () => {
    const office = from('203.0.113.9');
    expect((await office.balance('mk_test_alice')).status).toBe(200);
    for (let hour = 0; hour < 30; hour++) {
      await guess(office, 20);
      expect((await office.balance('mk_test_alice')).status, `hour ${hour}`).toBe(200);
      t.clock.advance(3600_000);
    }
  });

  it('the per-key limit says so: limit_scope key', async () => {
    await t.control('PATCH', '/settings', { rate_limit: 2 }, { Authorization: `Bearer ${TOKEN}` });
    const office = from('203.0.113.9');
    await office.balance('mk_test_alice');
    await office.balance('mk_test_alice');
    const limited = await office.balance('mk_test_alice');
    expect(limited.json).toMatchObject({ code: 'RATE_LIMITED', limit_scope: 'key' });
    expect(limited.json.error).toMatch(/for this key/);
  });
});

describe('wrong control tokens from one address', () => {
  it('are limited like wrong keys, apart from them: 429 CONTROL_RATE_LIMITED, the token already used still works', async () => {
    const office = from('203.0.113.9');
    expect((await office.control(TOKEN)).status).toBe(200);
    for (let i = 0; i < 20; i++) expect((await office.control(`wrong-token-${i}`)).json.code).toBe('CONTROL_UNAUTHORIZED');
    const locked = await office.control('wrong-token-20');
    expect(locked.status).toBe(429);
    expect(locked.json).toMatchObject({ code: 'CONTROL_RATE_LIMITED', limit_scope: 'failed_auth_address', retry_after_seconds: 60 });
    expect(locked.headers.get('Retry-After')).toBe('60');
    expect((await office.control(TOKEN)).status).toBe(200);
    // Counted apart: the public API from the same address is not locked by them.
    expect((await office.balance('mk_test_bob')).status).toBe(200);
    // A token that never worked from an address waits there, right or not.
    const elsewhere = from('198.51.100.7');
    for (let i = 0; i < 20; i++) await elsewhere.control(`wrong-token-${i}`);
    expect((await elsewhere.control(TOKEN)).status).toBe(429);
  });

  it('the control document is locked with the token', async () => {
    const office = from('203.0.113.9');
    const document = await t.app.request('/_mock/openapi.yaml');
    expect(document.status).toBe(401);
    expect(await document.json()).toMatchObject({ code: 'CONTROL_UNAUTHORIZED' });
    expect((await t.app.request('/_mock/openapi.yaml', { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    // The public API's document stays open.
    expect((await t.app.request('/openapi.yaml')).status).toBe(200);
    expect((await office.control()).status).toBe(401);
  });
});
