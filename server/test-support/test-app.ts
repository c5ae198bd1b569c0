/**
 * A real app over a real in-memory SQLite store with a manual clock: what the
 * in-process tests drive with `app.request()`. Nothing is mocked.
 */
import type { AppDeps } from '../app-env.js';
import { createManualClock } from '../clock.js';
import { createApp } from '../create-app.js';
import { openDatabase } from '../db/open-database.js';
import { DEFAULT_FIXTURE_PATH, readFixtureFile } from '../fixture-file.js';
import { createStore } from '../store/create-store.js';
import { readAnswer } from './answers.js';

export function createTestApp(options: { controlToken?: string; dbPath?: string; clientAddress?: string; readJournal?: AppDeps['readJournal'] } = {}) {
  const clock = createManualClock();
  const store = createStore(openDatabase(options.dbPath ?? ':memory:'));
  const fixture = readFixtureFile(DEFAULT_FIXTURE_PATH);
  store.loadFixture(fixture, clock.now());
  const app = createApp({
    store,
    clock,
    fixture: { current: fixture },
    controlToken: options.controlToken,
    version: 'test',
    clientAddress: () => options.clientAddress ?? '192.0.2.1',
    readJournal: options.readJournal,
  });

  const call = async (method: string, path: string, init: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.key !== null) headers['X-API-Key'] = init.key ?? 'mk_test_alice';
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['Content-Type'] ??= 'application/json';
    }
    return readAnswer(await app.request(path, { method, headers, body }));
  };

  return {
    app,
    store,
    clock,
    call,
    balance: async (key = 'mk_test_alice') => (await call('GET', '/api/v1/balance', { key })).json.balance as number,
    purchase: (body: unknown, options: { key?: string; idempotencyKey?: string } = {}) =>
      call('POST', '/api/v1/purchase', {
        key: options.key,
        body,
        headers: options.idempotencyKey !== undefined ? { 'Idempotency-Key': options.idempotencyKey } : {},
      }),
    control: (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      call(method, `/_mock${path}`, { key: null, body, headers }),
  };
}

export type TestApp = ReturnType<typeof createTestApp>;
