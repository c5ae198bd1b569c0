/**
 * `npm run bench -- --soak`: a million mixed requests (--requests) against one
 * sandbox, and the server process's memory as it goes, read from /proc (Linux
 * only). Every kind of answer is in the mix: balance, products, new purchases,
 * replays, health, an unknown key (401) and a malformed body (400). Memory is flat
 * when the resident set at the end is within 10 % of the one halfway.
 */
import { runLoad } from './load.js';
import { memory, procAvailable, type MemoryFigures } from './process-stats.js';
import type { BenchSandbox } from './sandbox.js';

export interface SoakOptions {
  connections: number;
  requests: number;
}

interface Sample extends MemoryFigures {
  /** Answers so far. */
  answered: number;
  seconds: number;
}

const BUYER = 'mk_bench_soak';
const KEYED = { 'X-API-Key': BUYER };
const JSON_KEYED = { ...KEYED, 'Content-Type': 'application/json' };
const BODY = '{"product_id":"soak","quantity":1}';
/** One turn of the mix, as each connection sends it over and over. */
const MIX = [
  { method: 'GET', path: '/api/v1/balance', headers: KEYED },
  { method: 'GET', path: '/api/v1/products', headers: KEYED },
  { method: 'POST', path: '/api/v1/purchase', headers: JSON_KEYED, body: BODY },
  { method: 'POST', path: '/api/v1/purchase', headers: { ...JSON_KEYED, 'Idempotency-Key': 'soak-replay' }, body: BODY },
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/api/v1/balance', headers: { 'X-API-Key': 'mk_not_a_key' } },
  { method: 'POST', path: '/api/v1/purchase', headers: JSON_KEYED, body: '{"product_id":' },
] as const;
const MARKS = [0.1, 0.25, 0.5, 0.75, 1];

export async function runSoak(sandbox: BenchSandbox, options: SoakOptions, say: (line: string) => void): Promise<{ ok: boolean; samples: Sample[]; flat?: boolean }> {
  if (!procAvailable()) {
    say('The soak reads the server\'s memory from /proc/<pid>/status, which only Linux has: not run here.');
    return { ok: true, samples: [] };
  }
  const purchases = Math.ceil(options.requests / MIX.length) + options.connections * 2;
  await sandbox.addAccount('soak', BUYER, 1_000_000);
  await sandbox.putProduct('soak', '0.01', purchases);
  say(`Soak: ${options.requests} requests, ${options.connections} connections, a mix of ${MIX.length} kinds; ${purchases} codes in stock.`);

  const pid = sandbox.servingPid();
  const started = performance.now();
  const sample = (answered: number): Sample => ({ answered, seconds: (performance.now() - started) / 1000, ...memory(pid) });
  const samples = [sample(0)];
  const show = (s: Sample) =>
    say(`  ${String(s.answered).padStart(9)} answered, ${s.seconds.toFixed(0).padStart(4)} s: RSS ${(s.rssKiB / 1024).toFixed(1)} MiB (heaps ${(s.anonKiB / 1024).toFixed(1)} MiB), peak ${(s.peakKiB / 1024).toFixed(1)} MiB`);
  show(samples[0]!);
  let answered = 0;
  let mark = 0;
  const figures = await runLoad({
    url: sandbox.base,
    connections: options.connections,
    amount: options.requests,
    requests: MIX.map((r) => ({ ...r })),
    expect: [200, 400, 401],
    keepLatencies: false,
    onAnswer: () => {
      answered++;
      if (mark < MARKS.length && answered >= MARKS[mark]! * options.requests) {
        mark++;
        samples.push(sample(answered));
        show(samples.at(-1)!);
      }
    },
  });
  const statuses = Object.entries(figures.statuses).map(([status, n]) => `${status}: ${n}`).join(', ');
  say(`  ${figures.requests} answers in ${figures.seconds.toFixed(0)} s (${figures.requestsPerSecond.toFixed(0)}/s); ${statuses}; unexpected ${figures.unexpected}`);
  const half = samples.find((s) => s.answered >= options.requests / 2);
  const end = samples.at(-1)!;
  const flat = half ? end.rssKiB <= half.rssKiB * 1.1 : undefined;
  if (half) say(`  RSS end / halfway: ${(end.rssKiB / half.rssKiB).toFixed(3)} (${flat ? 'flat' : 'GROWING'}; the first samples include warm-up)`);
  return { ok: figures.unexpected === 0, samples, flat };
}
