/**
 * A stand-in for the request journal and the fault rules, following the contract the dashboard
 * is built against (GET /_mock/journal, the SSE stream GET /_mock/journal/stream, GET/POST
 * /_mock/faults, DELETE /_mock/faults/{id}), in front of a real sandbox app. It records every
 * /api/v1 request the way the journal will, so the dashboard's panels can be tested in a
 * browser before the server has them. Test-only: the real journal and faults replace it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { FaultRule, JournalEntryView } from '../../server/index.js';
import { createTestApp } from '../../server/test-support/test-app.js';

const ACCOUNT_OF_KEY: Record<string, string> = {
  mk_test_alice: 'alice',
  mk_test_bob: 'bob',
  mk_test_empty: 'empty',
  mk_test_suspended: 'suspended',
  mk_test_revoked: 'revoked',
};

const refusal = (path: string, message: string) => ({ success: false, code: 'CONTROL_VALIDATION', error: `${path}: ${message}`, details: [{ path, message }] });

export interface StubbedSandbox {
  baseUrl: string;
  /** The real app behind the stand-in (a manual clock, the default fixture). */
  sandbox: ReturnType<typeof createTestApp>;
  rules: FaultRule[];
  close(): Promise<void>;
}

export async function startStubbedSandbox(): Promise<StubbedSandbox> {
  const sandbox = createTestApp();
  const entries: JournalEntryView[] = [];
  const listeners = new Set<(entry: JournalEntryView) => void>();
  const rules: FaultRule[] = [{ id: 'rule-1', operation: 'purchase', error: { status: 503 } }];
  let nextRule = 2;

  const outer = new Hono();
  outer.get('/_mock/journal', (c) => {
    const { account, status, code, limit } = c.req.query();
    if (status !== undefined && !/^\d{3}$/.test(status)) return c.json(refusal('status', 'Invalid input: expected a status code such as 403'), 400);
    const chosen = entries
      .filter((e) => (account === undefined || e.account_id === account) && (status === undefined || e.status === Number(status)) && (code === undefined || e.error_code === code))
      .reverse()
      .slice(0, Number(limit ?? 100));
    return c.json({ entries: chosen });
  });
  outer.get('/_mock/journal/stream', (c) =>
    streamSSE(c, async (stream) => {
      const send = (entry: JournalEntryView) => void stream.writeSSE({ data: JSON.stringify(entry), event: 'entry', id: String(entry.id) });
      listeners.add(send);
      stream.onAbort(() => void listeners.delete(send));
      while (!stream.aborted) await stream.sleep(1000);
      listeners.delete(send);
    }),
  );
  outer.get('/_mock/faults', (c) => c.json({ rules }));
  outer.post('/_mock/faults', async (c) => {
    let rule: unknown;
    try {
      rule = JSON.parse(await c.req.text());
    } catch {
      return c.json({ success: false, code: 'CONTROL_VALIDATION', error: 'body is not valid JSON' }, 400);
    }
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return c.json(refusal('(body)', 'Invalid input: expected object'), 400);
    if (typeof (rule as { operation?: unknown }).operation !== 'string') return c.json(refusal('operation', 'Invalid input: expected string, received undefined'), 400);
    const added = { ...(rule as Record<string, unknown>), id: `rule-${nextRule++}` };
    rules.push(added);
    return c.json(added, 201);
  });
  outer.delete('/_mock/faults/:id', (c) => {
    const index = rules.findIndex((r) => r.id === c.req.param('id'));
    if (index === -1) return c.json({ success: false, code: 'FAULT_NOT_FOUND', error: 'No such rule.' }, 404);
    rules.splice(index, 1);
    return c.json({ ok: true, message: 'Removed.' });
  });
  // Everything else is the real sandbox; public API requests are written to the journal.
  outer.all('*', async (c) => {
    const url = new URL(c.req.url);
    if (!url.pathname.startsWith('/api/v1')) return sandbox.app.fetch(c.req.raw);
    const started = Date.now();
    const requestBody = c.req.method === 'GET' ? null : await c.req.raw.clone().text();
    const res = await sandbox.app.fetch(c.req.raw);
    const responseBody = await res.clone().text();
    const key = c.req.header('X-API-Key');
    let parsed: { code?: string; order_id?: string } = {};
    try {
      parsed = JSON.parse(responseBody);
    } catch {
      // Not JSON.
    }
    const entry: JournalEntryView = {
      id: entries.length + 1,
      at: sandbox.clock.now(),
      method: c.req.method,
      path: url.pathname,
      operation: { '/api/v1/balance': 'getBalance', '/api/v1/products': 'listProducts', '/api/v1/purchase': 'purchase' }[url.pathname] ?? null,
      account_id: key ? (ACCOUNT_OF_KEY[key] ?? null) : null,
      key_prefix: key ? key.slice(0, 10) : null,
      idempotency_key: c.req.header('Idempotency-Key') ?? null,
      request_body: requestBody,
      status: res.status,
      error_code: parsed.code ?? null,
      response_body: responseBody,
      latency_ms: Date.now() - started,
      fault: null,
      order_id: parsed.order_id ?? null,
      replayed: res.headers.get('Idempotent-Replayed') === 'true',
    };
    entries.push(entry);
    for (const listener of listeners) listener(entry);
    return res;
  });

  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: outer.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server)) as Server;
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sandbox,
    rules,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
