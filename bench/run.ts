/**
 * `npm run bench`: requests per second of the mock over real HTTP on loopback,
 * each route as a ratio to GET /health measured in the same run (no key, no
 * database), so the figures compare across machines. Starts its own server on
 * a throwaway database file and stops it at the end; about 20 s in all.
 *
 * Options: --duration SECONDS per route (default 3), --connections N (default 16).
 * The client and the server share the machine's cores: read the ratios, not the
 * absolute numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';
import { runLoad, type LoadResult } from './load-loop.js';

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '3' }, connections: { type: 'string', default: '16' } },
});
const durationMs = Math.min(10, Math.max(0.5, Number(values.duration) || 3)) * 1000;
const connections = Math.min(256, Math.max(1, Math.floor(Number(values.connections) || 16)));
const WARMUP_MS = 500;
const WARMUP_MAX_REQUESTS = 500;
const MAX_REQUESTS = 20_000;
/**
 * New orders get a smaller budget: a purchase counts the product's unsold codes,
 * so its cost grows with the stock, and the stock must cover every purchase.
 */
const MAX_PURCHASES = 5_000;
const STOCK = MAX_PURCHASES + WARMUP_MAX_REQUESTS + 500;
const KEY = 'mk_test_bench';

interface Route {
  name: string;
  send: (base: string) => Promise<boolean>;
  maxRequests?: number;
}

const expect200 = async (res: Promise<Response>) => {
  const answer = await res;
  await answer.arrayBuffer();
  return answer.status === 200;
};
const purchase = (base: string, headers: Record<string, string> = {}) =>
  expect200(
    fetch(`${base}/api/v1/purchase`, {
      method: 'POST',
      headers: { 'X-API-Key': KEY, 'Content-Type': 'application/json', ...headers },
      body: '{"product_id":"bench","quantity":1}',
    }),
  );

const routes: Route[] = [
  { name: 'GET /health (baseline, no key, no DB)', send: (base) => expect200(fetch(`${base}/health`)) },
  { name: 'GET /api/v1/balance', send: (base) => expect200(fetch(`${base}/api/v1/balance`, { headers: { 'X-API-Key': KEY } })) },
  { name: 'GET /api/v1/products', send: (base) => expect200(fetch(`${base}/api/v1/products`, { headers: { 'X-API-Key': KEY } })) },
  { name: 'POST /api/v1/purchase (new order)', send: (base) => purchase(base), maxRequests: MAX_PURCHASES },
  { name: 'POST /api/v1/purchase (idempotent replay)', send: (base) => purchase(base, { 'Idempotency-Key': 'bench-replay' }) },
];

async function control(base: string, method: string, path: string, body: unknown) {
  const res = await fetch(`${base}/_mock${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} /_mock${path}: ${res.status} ${await res.text()}`);
}

function printTable(results: { name: string; result: LoadResult }[]) {
  const baseline = results[0]!.result.requestsPerSecond;
  const rows = [
    ['route', 'requests', 'req/s', 'vs /health', 'p50 ms', 'p99 ms', 'errors'],
    ...results.map(({ name, result: r }) => [
      name,
      String(r.requests),
      r.requestsPerSecond.toFixed(0),
      (r.requestsPerSecond / baseline).toFixed(2),
      r.p50Ms.toFixed(2),
      r.p99Ms.toFixed(2),
      String(r.errors),
    ]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  for (const row of rows) console.log(row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '));
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ai-market-bench-'));
  let server: SpawnedSandbox | undefined;
  const stopOnSignal = () => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    // A limit far above what the run sends, and a 1 s window so the table of counted requests stays small.
    server = await spawnSandbox({ db: join(dir, 'bench.sqlite'), args: ['--rate-limit', '100000', '--rate-window', '1'] });
    const base = server.baseUrl;
    await control(base, 'POST', '/accounts', { id: 'bench', balance: 1_000_000, key: KEY });
    await control(base, 'PUT', '/products/bench', { name: 'Benchmark code', price: '0.01', stock: STOCK });
    await purchase(base, { 'Idempotency-Key': 'bench-replay' });

    console.log(
      [
        `AI-Market sandbox benchmark: node ${process.version}, ${cpus().length} CPU(s), client and one server process on this machine.`,
        `Loopback HTTP/1.1 keep-alive, ${connections} connections; per route ${WARMUP_MS} ms warm-up, then ${durationMs / 1000} s or ${MAX_REQUESTS} requests;`,
        `new orders: at most ${MAX_PURCHASES}, from a stock of ${STOCK}. Database: one WAL SQLite file. Rate limit raised out of the way.`,
        '',
      ].join('\n'),
    );
    const results: { name: string; result: LoadResult }[] = [];
    for (const route of routes) {
      const send = () => route.send(base);
      await runLoad({ connections, durationMs: WARMUP_MS, maxRequests: WARMUP_MAX_REQUESTS, send });
      results.push({ name: route.name, result: await runLoad({ connections, durationMs, maxRequests: route.maxRequests ?? MAX_REQUESTS, send }) });
    }
    printTable(results);

    const exitCode = await server.stop('SIGTERM');
    const errors = results.reduce((n, r) => n + r.result.errors, 0);
    if (exitCode !== 0) console.error(`\nThe server exited with code ${exitCode} on SIGTERM.`);
    if (errors > 0) console.error(`\n${errors} request(s) did not get 200: the figures above are not trustworthy.`);
    return exitCode === 0 && errors === 0 ? 0 : 1;
  } finally {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
