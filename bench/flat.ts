/**
 * `npm run bench -- --flat`: does a request cost the same whatever the data? The
 * server CPU time per request (from /proc; it moves far less than requests per
 * second when other work shares the machine) of the same work on two sandboxes
 * that differ in one thing, measured alternately, several times:
 *
 * - catalogue: a product of 1,000 codes against one of `catalogue` (1,000,000),
 *   for keyed GET /products and new purchases. Purchases come in rounds of the same
 *   size on both sides, each followed by a restock of what it bought (its CPU taken
 *   out), so the small side never runs out and both do the same work;
 * - rate limit over HTTP: keyed GET /balance under limit 20 against limit `limit`
 *   (100,000), same traffic on both: round robin over 1,000 keys, exactly 20 requests
 *   each per round, after the virtual clock moved a window (60 s) on. One key at
 *   limit 20 would get 20 answers and then 429s, hence the many keys; at limit 20
 *   every request overwrites the oldest time of a full ring;
 * - the limiter alone (limiter-cost.ts): one subject whose window is full, at limit
 *   20 and at `limit`, the clock given so that every request is accepted. This is the
 *   case a log of requests made expensive: `limit` accepted requests in the window.
 */
import { limiterMicros } from './limiter-cost.js';
import { runLoad, type LoadSpec } from './load.js';
import { cpuSeconds } from './process-stats.js';
import type { BenchSandbox } from './sandbox.js';

export interface FlatOptions {
  start: (name: string, args: readonly string[]) => Promise<BenchSandbox>;
  connections: number;
  catalogue: number;
  limit: number;
}

export interface FlatComparison {
  name: string;
  small: string;
  large: string;
  /** Server CPU microseconds per request, one per repetition. */
  smallMicros: number[];
  largeMicros: number[];
  /** large / small per repetition, and their median. */
  ratios: number[];
  medianRatio: number;
  met: boolean;
}

const REPETITIONS = 5;
const SMALL_CATALOGUE = 1_000;
const SMALL_LIMIT = 20;
const WINDOW = ['--rate-window', '60'];
const KEYS_AT_SMALL_LIMIT = 1_000;
const GET_REQUESTS = 20_000;
const PURCHASE_ROUNDS = 5;
const PURCHASES_PER_ROUND = 400;
const BUYER = 'mk_bench_flat_buyer';
const LIMITER_REQUESTS = 100_000;

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Server CPU microseconds per request over the runs `work` makes; returns [micros, requests]. */
async function cpuPerRequest(sandbox: BenchSandbox, work: () => Promise<number>): Promise<number> {
  const pid = sandbox.servingPid();
  const before = cpuSeconds(pid);
  const requests = await work();
  return ((cpuSeconds(pid) - before) / requests) * 1e6;
}

async function load(spec: LoadSpec): Promise<number> {
  const figures = await runLoad({ ...spec, keepLatencies: false });
  if (figures.unexpected > 0) throw new Error(`${figures.unexpected} unexpected answer(s) from ${spec.url}: ${JSON.stringify(figures.statuses)}`);
  return figures.requests;
}

export async function runFlat(options: FlatOptions, say: (line: string) => void): Promise<{ ok: boolean; comparisons: FlatComparison[] }> {
  const { connections } = options;
  const highLimit = ['--rate-limit', String(options.limit), ...WINDOW];
  say(`Flatness: server CPU per request, ${REPETITIONS} alternating repetitions; setting up three sandboxes (${options.catalogue} codes take a while)...`);
  const catalogue = async (name: string, codes: number) => {
    const sandbox = await options.start(name, highLimit);
    await sandbox.addAccount('buyer', BUYER, 1_000_000);
    await sandbox.putProduct('flat', '0.01', codes);
    return sandbox;
  };
  const smallCatalogue = await catalogue('catalogue-small', SMALL_CATALOGUE);
  const largeCatalogue = await catalogue('catalogue-large', options.catalogue);
  const smallLimit = await options.start('limit-small', ['--rate-limit', String(SMALL_LIMIT), ...WINDOW]);
  // The large limit's side is the small catalogue's sandbox: the same keys, the same traffic.
  const largeLimit = smallCatalogue;
  const keys = Array.from({ length: KEYS_AT_SMALL_LIMIT }, (_, i) => `mk_bench_flat_${i}`);
  for (const sandbox of [smallLimit, largeLimit]) {
    for (const [i, key] of keys.entries()) await sandbox.addAccount(`flat-${i}`, key, 0);
  }

  // Each run starts a window (60 s of virtual time) after the last, so the buyer's limit is never reached.
  const nextWindow = (sandbox: BenchSandbox) => sandbox.control('POST', '/clock/advance', { seconds: 61 });
  const products = (sandbox: BenchSandbox) => async () => {
    await nextWindow(sandbox);
    return load({ url: `${sandbox.base}/api/v1/products`, headers: { 'X-API-Key': BUYER }, connections, amount: GET_REQUESTS, expect: 200 });
  };
  const purchases = (sandbox: BenchSandbox) => async () => {
    let sent = 0;
    await nextWindow(sandbox);
    for (let round = 0; round < PURCHASE_ROUNDS; round++) {
      const pid = sandbox.servingPid();
      const before = cpuSeconds(pid);
      sent += await load({
        url: `${sandbox.base}/api/v1/purchase`,
        method: 'POST',
        headers: { 'X-API-Key': BUYER, 'Content-Type': 'application/json' },
        body: '{"product_id":"flat","quantity":1}',
        connections,
        amount: PURCHASES_PER_ROUND,
        expect: 200,
      });
      const spent = cpuSeconds(pid) - before;
      await sandbox.restock('flat', PURCHASES_PER_ROUND);
      restockCpu.set(sandbox, (restockCpu.get(sandbox) ?? 0) + (cpuSeconds(pid) - before - spent));
    }
    return sent;
  };
  // The restock between rounds is control work, not a purchase's: its CPU is taken out again below.
  const restockCpu = new Map<BenchSandbox, number>();
  const purchaseMicros = async (sandbox: BenchSandbox) => {
    restockCpu.set(sandbox, 0);
    const requests = PURCHASE_ROUNDS * PURCHASES_PER_ROUND;
    const micros = await cpuPerRequest(sandbox, purchases(sandbox));
    return micros - (restockCpu.get(sandbox)! / requests) * 1e6;
  };
  const manyKeysRound = (sandbox: BenchSandbox) => async () => {
    // A window later, each key's ring is full of times that have just left it.
    await nextWindow(sandbox);
    return load({
      url: `${sandbox.base}/api/v1/balance`,
      rotate: { header: 'X-API-Key', values: keys },
      connections,
      amount: KEYS_AT_SMALL_LIMIT * SMALL_LIMIT,
      expect: 200,
    });
  };

  // Warm up every side once (JIT, caches, the small-limit rings filled).
  await products(smallCatalogue)();
  await products(largeCatalogue)();
  await purchaseMicros(smallCatalogue);
  await purchaseMicros(largeCatalogue);
  await manyKeysRound(smallLimit)();
  await manyKeysRound(largeLimit)();

  const compare = async (name: string, small: string, large: string, measureSmall: () => Promise<number>, measureLarge: () => Promise<number>) => {
    const smallMicros: number[] = [];
    const largeMicros: number[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) {
      // Alternate which side goes first, so a drift of the machine's load favours neither.
      if (rep % 2 === 0) {
        smallMicros.push(await measureSmall());
        largeMicros.push(await measureLarge());
      } else {
        largeMicros.push(await measureLarge());
        smallMicros.push(await measureSmall());
      }
    }
    const ratios = smallMicros.map((s, i) => largeMicros[i]! / s);
    const comparison = { name, small, large, smallMicros, largeMicros, ratios, medianRatio: median(ratios), met: Math.abs(median(ratios) - 1) <= 0.1 + 1e-9 };
    say(
      `  ${name}: ${small} ${smallMicros.map((m) => m.toFixed(0)).join('/')} µs, ${large} ${largeMicros.map((m) => m.toFixed(0)).join('/')} µs;` +
        ` ratio ${ratios.map((r) => r.toFixed(2)).join(' ')} (median ${comparison.medianRatio.toFixed(2)}) ${comparison.met ? 'flat' : 'NOT FLAT'}`,
    );
    return comparison;
  };

  const comparisons = [
    await compare('keyed GET /products', `${SMALL_CATALOGUE} codes`, `${options.catalogue} codes`, () => cpuPerRequest(smallCatalogue, products(smallCatalogue)), () => cpuPerRequest(largeCatalogue, products(largeCatalogue))),
    await compare('new POST /purchase', `${SMALL_CATALOGUE} codes`, `${options.catalogue} codes`, () => purchaseMicros(smallCatalogue), () => purchaseMicros(largeCatalogue)),
    await compare('keyed GET /balance, 1,000 keys', `limit ${SMALL_LIMIT}`, `limit ${options.limit}`, () => cpuPerRequest(smallLimit, manyKeysRound(smallLimit)), () => cpuPerRequest(largeLimit, manyKeysRound(largeLimit))),
    await compare('the limiter alone, one full window', `limit ${SMALL_LIMIT}`, `limit ${options.limit}`, async () => limiterMicros(SMALL_LIMIT, LIMITER_REQUESTS), async () => limiterMicros(options.limit, LIMITER_REQUESTS)),
  ];
  say("  (ratio = large / small server CPU per request (the limiter alone: this process's); flat when the median is within 10 % of 1)");
  return { ok: true, comparisons };
}
