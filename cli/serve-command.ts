/**
 * `serve`: the only place that reads the environment, opens the database and a
 * port. Seeds an empty database from the fixture, prints where to start, and on
 * SIGTERM/SIGINT finishes requests in flight, closes the database and exits 0.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createVirtualClock } from '../server/clock.js';
import { parseConfig, type Config } from '../server/config.js';
import { createApp } from '../server/create-app.js';
import { openDatabase } from '../server/db/open-database.js';
import { DEFAULT_FIXTURE_PATH, readFixtureFile } from '../server/fixture-file.js';
import { createStore, type Store } from '../server/store/create-store.js';
import type { Fixture } from '../spec/control-schemas.js';
import { fromMicros } from '../spec/money.js';
import { VERSION } from './package-info.js';

/** How long shutdown waits for requests in flight before closing their connections. */
const SHUTDOWN_GRACE_MS = 5000;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export async function runServe(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = parseConfig(argv, env);
  const fixture = readFixtureFile(config.fixtures || DEFAULT_FIXTURE_PATH);
  const db = openDatabase(config.db);
  const store = createStore(db);
  const clock = createVirtualClock(store.settings.clockOffset);
  store.settings.changeSettings({
    rate_limit: config.rateLimit,
    rate_window_seconds: config.rateWindow,
    idempotency_reuse: config.idempotencyReuse,
  });
  const seeded = store.seedFixture(fixture, clock.now());

  const app = createApp({ store, clock, controlToken: config.controlToken || undefined, version: VERSION });
  const server = await new Promise<Server>((resolve, reject) => {
    // Plain HTTP/1.1 (no createServer option), so this is a node:http Server.
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  printBanner(config, port, store, { fixture, seeded });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then closing the database.`);
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      store.turn.flush();
      db.close();
      console.log('Stopped cleanly.');
      process.exit(0);
    });
    // A keep-alive connection becomes idle once its request in flight is answered; close it then
    // rather than waiting for the client to hang up.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 50).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * A fixture key that works now, with its wallet as the database has it (a kept
 * database may have spent or suspended what the fixture gave): one with money first.
 */
function sampleKey(store: Store): { key: string; balance: number } | undefined {
  const working = (store.currentFixture()?.accounts ?? [])
    .flatMap((account) => account.keys.map((k) => k.key))
    .flatMap((key) => {
      const found = store.accounts.findByKey(key);
      const account = found && !found.revoked && found.status === 'active' ? store.accounts.getAccount(found.accountId) : undefined;
      return account ? [{ key, balance: fromMicros(account.balance_micros) }] : [];
    });
  return working.find((k) => k.balance > 0) ?? working[0];
}

function printBanner(config: Config, port: number, store: Store, start: { fixture: Fixture; seeded: boolean }) {
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = `http://${shownHost}:${port}`;
  const sample = sampleKey(store);
  const lines = [
    `AI-Market sandbox ${VERSION} listening on ${config.host}:${port}`,
    `  API base URL:  ${base}/api/v1`,
    `  Control API:   ${base}/_mock  (${config.controlToken ? 'locked with a bearer token' : 'open, no token'})`,
    `  OpenAPI:       ${base}/openapi.yaml`,
    `  Database:      ${config.db}${start.seeded ? ' (seeded from the fixture)' : ' (existing state kept)'}`,
  ];
  if (config.fixtures && !start.seeded && JSON.stringify(store.currentFixture()) !== JSON.stringify(start.fixture)) {
    lines.push(`  Fixture:       the database's own (--fixtures seeds a new database only; POST /_mock/fixtures loads another)`);
  }
  if (sample) {
    lines.push(`  Sandbox key:   ${sample.key} (balance ${sample.balance} USDT)`);
    lines.push(`  Try:           curl -s ${base}/api/v1/balance -H "X-API-Key: ${sample.key}"`);
  }
  console.log(lines.join('\n'));
  if (!config.controlToken && !LOOPBACK.test(config.host)) {
    console.warn(
      [
        '',
        '!!! WARNING: the control API (/_mock) is reachable on a non-loopback address WITHOUT a token.',
        '!!! Anyone who can reach this port can create keys, top up wallets and reset the sandbox.',
        '!!! Set AI_MARKET_MOCK_CONTROL_TOKEN (or --control-token) to lock it.',
        '',
      ].join('\n'),
    );
  }
}
