/**
 * Opens the database, seeds it from the fixture when it is empty, builds the app and
 * listens: the one wiring that the `serve` command and `startSandbox()` share. Reads no
 * environment; the caller passes a checked Config and the fixture.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Fixture } from '../spec/control-schemas.js';
import { createVirtualClock } from './clock.js';
import type { Config } from './config.js';
import { createApp } from './create-app.js';
import { openDatabase } from './db/open-database.js';
import { createStore } from './store/create-store.js';

/** How long close() waits for requests in flight before closing their connections. */
const SHUTDOWN_GRACE_MS = 5000;

export interface RunningServer {
  server: Server;
  /** The port it listens on (the one the system picked when config.port is 0). */
  port: number;
  /** True when the database was empty and the fixture was loaded into it. */
  seeded: boolean;
  /**
   * Stops accepting connections, lets requests in flight finish (closing each keep-alive
   * connection once its request is answered; all of them after a grace period), then closes
   * the database. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * @example
 * const running = await startServer(parseConfig(argv, process.env), readFixtureFile(path), VERSION);
 * console.log(`listening on ${running.port}`);
 * await running.close();
 */
export async function startServer(config: Config, fixture: Fixture, version: string): Promise<RunningServer> {
  const db = openDatabase(config.db);
  let server: Server;
  let seeded: boolean;
  try {
    const store = createStore(db);
    const clock = createVirtualClock(store.settings.clockOffset);
    store.settings.changeSettings({
      rate_limit: config.rateLimit,
      rate_window_seconds: config.rateWindow,
      idempotency_reuse: config.idempotencyReuse,
    });
    seeded = store.transaction(() => {
      if (!store.isEmpty()) return false;
      store.loadFixture(fixture, clock.now());
      return true;
    });
    const app = createApp({ store, clock, fixture: { current: fixture }, controlToken: config.controlToken || undefined, version });
    server = await new Promise<Server>((resolve, reject) => {
      // Plain HTTP/1.1 (no createServer option), so this is a node:http Server.
      const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s as Server)) as Server;
      s.once('error', reject);
    });
  } catch (error) {
    db.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      force.unref();
      // A keep-alive connection becomes idle once its request in flight is answered; close it then
      // rather than waiting for the client to hang up.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      idle.unref();
      server.close(() => {
        clearTimeout(force);
        clearInterval(idle);
        db.close();
        resolve();
      });
      server.closeIdleConnections();
    }));

  return { server, port: (server.address() as AddressInfo).port, seeded, close };
}
