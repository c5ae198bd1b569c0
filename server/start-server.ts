/**
 * Opens the database, writes the configured settings, seeds the fixture (see Store.seedFixture),
 * puts the configured fault rules in force, builds the app, hardens the HTTP server (server/http/) and listens: the one wiring that the
 * `serve` command and `startSandbox()` share. Reads no environment; the caller passes a checked
 * Config and the fixture.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Fixture } from '../spec/control-schemas.js';
import { createVirtualClock } from './clock.js';
import { ConfigError, settingsTable, type Config } from './config.js';
import { createApp } from './create-app.js';
import { openDatabase } from './db/open-database.js';
import { FixtureError } from './fixture-file.js';
import { hardenHttpServer } from './http/harden-server.js';
import { createStore, type Store } from './store/create-store.js';
import { RefusedRule } from './store/faults-store.js';

/** How long close() waits for requests in flight before closing their connections. */
const SHUTDOWN_GRACE_MS = 5000;

export interface RunningServer {
  server: Server;
  /** The sandbox's state (the banner reads the stored fixture and the rules in force from it). */
  store: Store;
  /** e.g. `http://127.0.0.1:40123`: where to reach it (a wildcard address is shown as 127.0.0.1). */
  baseUrl: string;
  /** The port it listens on (the one the system picked when config.port is 0). */
  port: number;
  /** True when the database was new and the fixture was loaded into it. */
  seeded: boolean;
  /**
   * Stops accepting connections, lets requests in flight finish (each answer from then on says
   * Connection: close, see hardenHttpServer; idle keep-alive connections are closed; all of them
   * after a grace period), then closes the database. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** The fixture to seed a new database with, and what to call it in an error (its file, or `options.fixture`). */
export interface StartFixture {
  fixture: Fixture;
  source: string;
}

/**
 * @example
 * const running = await startServer(parseConfig(argv, process.env), { fixture: readFixtureFile(path), source: path }, VERSION);
 * console.log(`listening on ${running.port}`);
 * await running.close();
 */
export async function startServer(config: Config, start: StartFixture, version: string): Promise<RunningServer> {
  const db = openDatabase(config.db);
  let server: Server;
  let store: Store;
  let seeded: boolean;
  try {
    store = createStore(db);
    const clock = createVirtualClock(store.settings.clockOffset);
    store.settings.changeSettings({
      rate_limit: config.rateLimit,
      rate_window_seconds: config.rateWindow,
      idempotency_reuse: config.idempotencyReuse,
      journal_limit: config.journalLimit,
    });
    seeded = seedFixture(store, start, clock.now());
    addConfiguredFaults(store, config, clock.now());
    const app = createApp({ store, clock, controlToken: config.controlToken || undefined, version });
    server = await new Promise<Server>((resolve, reject) => {
      // Plain HTTP/1.1 (no createServer option), so this is a node:http Server.
      const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s as Server)) as Server;
      hardenHttpServer(s, config); // before it listens: timeouts, connection cap, JSON from the HTTP layer, Connection: close at shutdown
      s.once('error', reject);
    });
  } catch (error) {
    db.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      // server.close is hardenHttpServer's: it also marks every answer still to come Connection: close.
      const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      force.unref();
      // A keep-alive connection becomes idle once its request in flight is answered; close it then
      // rather than waiting for the client to hang up.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      idle.unref();
      server.close(() => {
        clearTimeout(force);
        clearInterval(idle);
        store.turn.flush(); // the last turn's transaction, if still open, commits before the file closes
        db.close();
        resolve();
      });
      server.closeIdleConnections();
    }));

  const port = (server.address() as AddressInfo).port;
  return { server, store, baseUrl: reachableOrigin(config.host, port), port, seeded, close };
}

function reachableOrigin(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/** The startup fixture (see Store.seedFixture); a fault rule the store refuses is a startup error naming it. */
function seedFixture(store: Store, start: StartFixture, now: number): boolean {
  try {
    return store.seedFixture(start.fixture, now);
  } catch (error) {
    if (error instanceof RefusedRule) throw new FixtureError(`invalid fixture ${start.source}:\n  faults.${error.message}`);
    throw error;
  }
}

/** The rules of --fault / AI_MARKET_MOCK_FAULTS replace those of the previous start (none given: none kept). */
function addConfiguredFaults(store: Store, config: Config, now: number) {
  try {
    store.faults.replaceConfigRules(config.faults, now);
  } catch (error) {
    if (!(error instanceof RefusedRule)) throw error;
    throw new ConfigError(`${settingsTable.faults.flag} / ${settingsTable.faults.env}: rule ${error.message}`);
  }
}
