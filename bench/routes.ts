/**
 * The default run: a bare node:http baseline and each route of the sandbox, one
 * after another against one sandbox process, each as requests per second, p50/p99
 * and the ratio to the baseline measured in the same run.
 */
import { startBareServer } from './bare-server.js';
import { runLoad, type LoadFigures, type LoadSpec } from './load.js';
import { cpuSeconds } from './process-stats.js';
import type { BenchSandbox } from './sandbox.js';

export interface RoutesOptions {
  connections: number;
  durationSeconds: number;
  /** Codes of the product the purchases buy from (and /products lists). */
  catalogue: number;
}

export interface RouteFigures extends LoadFigures {
  name: string;
  connections: number;
  /** Requests per second over the baseline's. */
  ratio: number;
  /** CPU time the server process used per request, microseconds (NaN off Linux). */
  cpuMicros: number;
  /** The baseline's CPU per request over this route's: the throughput ratio of servers that each had a core to themselves. */
  cpuRatio: number;
}

/** Fewer connections for the latency goal: p99 of a new purchase at this many. */
export const LATENCY_CONNECTIONS = 10;
const WARM_UP_SECONDS = 1;
const KEYS = { balance: 'mk_bench_balance', products: 'mk_bench_products', buyer: 'mk_bench_buyer', replay: 'mk_bench_replay', limited: 'mk_bench_limited' };
const PURCHASE_BODY = '{"product_id":"bench","quantity":1}';
/** Left in stock so that no purchase of the run is refused for want of codes. */
const STOCK_MARGIN = 2_500;

interface Route {
  name: string;
  spec: (base: string) => Omit<LoadSpec, 'connections' | 'durationSeconds'>;
  connections?: number;
  /** New orders take codes: at most this many, so the stock never runs out mid-run. */
  maxRequests?: () => number;
}

const keyed = (key: string, extra: Record<string, string> = {}) => ({ 'X-API-Key': key, ...extra });
const purchase = (key: string, extra: Record<string, string> = {}) => (base: string) => ({
  url: `${base}/api/v1/purchase`,
  method: 'POST' as const,
  headers: keyed(key, { 'Content-Type': 'application/json', ...extra }),
  body: PURCHASE_BODY,
  expect: 200,
});

/** Sets up the sandbox for the routes: accounts, keys, the bench product, one order to replay. */
export async function prepareRoutes(sandbox: BenchSandbox, options: RoutesOptions): Promise<void> {
  for (const [name, key] of Object.entries(KEYS)) await sandbox.addAccount(`bench-${name}`, key, name === 'limited' ? 0 : 1_000_000);
  await sandbox.putProduct('bench', '0.01', options.catalogue);
  const first = await fetch(`${sandbox.base}/api/v1/purchase`, purchaseInit(KEYS.replay, { 'Idempotency-Key': 'bench-replay' }));
  if (first.status !== 200) throw new Error(`the order to replay failed: ${first.status} ${await first.text()}`);
}

async function stockOf(base: string, productId: string): Promise<number> {
  const { products } = (await (await fetch(`${base}/api/v1/products`, { headers: keyed(KEYS.products) })).json()) as { products: { id: string; stock: number }[] };
  return products.find((p) => p.id === productId)!.stock;
}

const purchaseInit = (key: string, extra: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: keyed(key, { 'Content-Type': 'application/json', ...extra }),
  body: PURCHASE_BODY,
});

/** Runs the baseline, every route, and the baseline again (the machine's load drifts; the ratio uses their mean). */
export async function runRoutes(sandbox: BenchSandbox, options: RoutesOptions, log: (line: string) => void): Promise<RouteFigures[]> {
  const productsBody = Buffer.from(await (await fetch(`${sandbox.base}/api/v1/products`, { headers: keyed(KEYS.products) })).arrayBuffer());
  const bare = await startBareServer(productsBody);
  let stockLeft = options.catalogue - 1;
  const purchasesLeft = () => Math.max(1, stockLeft - STOCK_MARGIN);
  const routes: Route[] = [
    { name: 'GET /health', spec: (base) => ({ url: `${base}/health`, expect: 200 }) },
    { name: 'GET /balance', spec: (base) => ({ url: `${base}/api/v1/balance`, headers: keyed(KEYS.balance), expect: 200 }) },
    { name: 'GET /products', spec: (base) => ({ url: `${base}/api/v1/products`, headers: keyed(KEYS.products), expect: 200 }) },
    { name: 'POST /purchase, new order', spec: purchase(KEYS.buyer), maxRequests: purchasesLeft },
    { name: 'POST /purchase, new order', spec: purchase(KEYS.buyer), maxRequests: purchasesLeft, connections: LATENCY_CONNECTIONS },
    { name: 'POST /purchase, idempotent replay', spec: purchase(KEYS.replay, { 'Idempotency-Key': 'bench-replay' }) },
    { name: 'GET /balance, 429 RATE_LIMITED', spec: (base) => ({ url: `${base}/api/v1/balance`, headers: keyed(KEYS.limited), expect: 429 }) },
  ];
  const measure = async (spec: Omit<LoadSpec, 'connections' | 'durationSeconds'>, pid: number, connections: number, maxRequests?: () => number) => {
    await runLoad({ ...spec, connections, durationSeconds: WARM_UP_SECONDS, maxRequests: maxRequests && Math.min(maxRequests(), 2_000) });
    const cpuBefore = cpuSeconds(pid);
    const figures = await runLoad({ ...spec, connections, durationSeconds: options.durationSeconds, maxRequests: maxRequests?.() });
    return { ...figures, cpuMicros: ((cpuSeconds(pid) - cpuBefore) / figures.requests) * 1e6 };
  };

  const results: Omit<RouteFigures, 'ratio' | 'cpuRatio'>[] = [];
  try {
    const baseline = async (name: string) => {
      const figures = await measure({ url: `${bare.baseUrl}/api/v1/products`, expect: 200 }, bare.pid, options.connections);
      results.push({ name, connections: options.connections, ...figures });
      log(`  ${name}: ${figures.requestsPerSecond.toFixed(0)} req/s`);
    };
    await baseline('bare node:http, same bytes as /products (before)');
    for (const route of routes) {
      if (route.name.includes('429')) {
        // The one route with a small limit: 20 per 60 s, and the key has used its 20.
        await sandbox.control('PATCH', '/settings', { rate_limit: 20, rate_window_seconds: 60 });
        for (let i = 0; i < 20; i++) await fetch(`${sandbox.base}/api/v1/balance`, { headers: keyed(KEYS.limited) }).then((r) => r.arrayBuffer());
      }
      const connections = route.connections ?? options.connections;
      const figures = await measure(route.spec(sandbox.base), sandbox.servingPid(), connections, route.maxRequests);
      if (route.maxRequests) stockLeft = await stockOf(sandbox.base, 'bench');
      results.push({ name: route.name, connections, ...figures });
      log(`  ${route.name} (${connections} connections): ${figures.requestsPerSecond.toFixed(0)} req/s`);
    }
    await baseline('bare node:http, same bytes as /products (after)');
  } finally {
    await bare.stop();
  }
  const baselines = results.filter((r) => r.name.startsWith('bare'));
  const mean = (pick: (r: (typeof results)[number]) => number) => baselines.reduce((sum, r) => sum + pick(r), 0) / baselines.length;
  const baselineRate = mean((r) => r.requestsPerSecond);
  const baselineCpu = mean((r) => r.cpuMicros);
  return results.map((r) => ({ ...r, ratio: r.requestsPerSecond / baselineRate, cpuRatio: baselineCpu / r.cpuMicros }));
}
