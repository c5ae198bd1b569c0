/**
 * The in-process test app (real SQLite store, manual clock) behind a real socket on 127.0.0.1,
 * for what only a socket shows: closed and reset connections, hangs, server-sent events.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createTestApp, type TestApp } from '../../server/test-support/test-app.js';

export interface ListeningApp extends TestApp {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  close(): Promise<void>;
}

export async function listen(options: Parameters<typeof createTestApp>[0] = {}): Promise<ListeningApp> {
  const t = createTestApp({ clientAddress: '127.0.0.1', ...options });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server)) as Server;
  });
  return {
    ...t,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
