/**
 * `npm run bench`: the sandbox's throughput and latency over real HTTP on
 * loopback, each route as a ratio to a bare node:http server sending the same
 * bytes, measured in the same run, so the figures compare across machines.
 * autocannon is the client; the sandbox runs as a separate `serve` process on a
 * WAL database file in a temporary folder, which is removed at the end.
 *
 *   npm run bench                         every route, about a minute
 *   npm run bench -- --flat               per-request cost at catalogue 1,000 vs 1,000,000 codes
 *                                         and rate limit 20 (many keys) vs 100,000 (one key)
 *   npm run bench -- --soak               1,000,000 mixed requests, the server's memory as it goes (Linux)
 *
 * Options: --connections N (50), --duration SECONDS per route (5), --catalogue N (codes of the
 * product bought from: 100,000; the large side of --flat: 1,000,000), --limit N (the large side
 * of --flat: 100,000), --requests N (soak: 1,000,000), --json PATH (the figures, for CI to keep).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runFlat } from './flat.js';
import { LATENCY_CONNECTIONS, prepareRoutes, runRoutes, type RouteFigures } from './routes.js';
import { startSandbox, type BenchSandbox } from './sandbox.js';
import { runSoak } from './soak.js';
import { printTable } from './table.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '5' },
    catalogue: { type: 'string' },
    limit: { type: 'string' },
    requests: { type: 'string', default: '1000000' },
    json: { type: 'string' },
    flat: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
  },
});

const whole = (text: string | undefined, fallback: number, min: number, max: number) => {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected a whole number from ${min} to ${max}, got "${text}"`);
  return n;
};
const connections = whole(values.connections, 50, 1, 1000);
const durationSeconds = whole(values.duration, 5, 1, 120);
const say = (line: string) => console.log(line);

/** High enough that no route but the 429 one is ever limited: 100,000 a second per key. */
const HIGH_LIMIT = ['--rate-limit', '100000', '--rate-window', '1'];

async function main(dir: string, started: BenchSandbox[]): Promise<{ ok: boolean; figures: unknown }> {
  const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg().map((n) => Number(n.toFixed(2))) };
  say(`AI-Market sandbox bench: node ${machine.node}, ${machine.cpus} CPU(s), load average ${machine.loadavg.join(' ')}.`);
  say('Client (autocannon, this process) and servers share the machine: read the ratios; absolute figures move with its load.');
  const start = async (name: string, args: readonly string[]) => {
    const sandbox = await startSandbox(dir, name, args);
    started.push(sandbox);
    return sandbox;
  };

  if (values.soak) {
    const soak = await runSoak(await start('soak', HIGH_LIMIT), { connections, requests: whole(values.requests, 1_000_000, 1000, 100_000_000) }, say);
    return { ok: soak.ok, figures: { machine, soak } };
  }
  if (values.flat) {
    const flat = await runFlat(
      { start, connections, catalogue: whole(values.catalogue, 1_000_000, 1000, 10_000_000), limit: whole(values.limit, 100_000, 20, 100_000) },
      say,
    );
    return { ok: flat.ok, figures: { machine, flat } };
  }

  const catalogue = whole(values.catalogue, 100_000, 1000, 10_000_000);
  const sandbox = await start('routes', HIGH_LIMIT);
  await prepareRoutes(sandbox, { connections, durationSeconds, catalogue });
  say(`${connections} connections (and ${LATENCY_CONNECTIONS} for one purchase row), ${durationSeconds} s per route after 1 s of warm-up; catalogue ${catalogue} codes.`);
  const routes = await runRoutes(sandbox, { connections, durationSeconds, catalogue }, say);
  say('');
  printTable(routes, say);
  const goals = checkGoals(routes);
  say('');
  for (const goal of goals) say(`${goal.met ? 'met    ' : 'NOT MET'}  ${goal.goal}: ${goal.figure}`);
  const unexpected = routes.reduce((n, r) => n + r.unexpected, 0);
  if (unexpected > 0) say(`\n${unexpected} answer(s) had another status than expected: the figures above are not trustworthy.`);
  return { ok: unexpected === 0, figures: { machine, options: { connections, durationSeconds, catalogue }, routes, goals } };
}

function checkGoals(routes: RouteFigures[]) {
  const find = (name: string, conns = connections) => routes.find((r) => r.name === name && r.connections === conns);
  const balance = find('GET /balance');
  const products = find('GET /products');
  const buy = find('POST /purchase, new order');
  const buy10 = find('POST /purchase, new order', LATENCY_CONNECTIONS);
  const replay = find('POST /purchase, idempotent replay');
  const goals: { goal: string; met: boolean; figure: string }[] = [];
  const versus = (r: RouteFigures) => `${r.ratio.toFixed(2)}x (by server CPU per request: ${r.cpuRatio.toFixed(2)}x)`;
  if (balance) goals.push({ goal: 'keyed GET /balance >= 0.5x bare node:http', met: balance.ratio >= 0.5, figure: versus(balance) });
  if (products) goals.push({ goal: 'keyed GET /products >= 0.5x bare node:http', met: products.ratio >= 0.5, figure: versus(products) });
  if (buy) goals.push({ goal: `new purchases >= 3000/s at ${connections} connections`, met: buy.requestsPerSecond >= 3000, figure: `${buy.requestsPerSecond.toFixed(0)}/s` });
  if (buy10) goals.push({ goal: `new purchase p99 < 10 ms at ${LATENCY_CONNECTIONS} connections`, met: buy10.p99 < 10, figure: `${buy10.p99.toFixed(2)} ms` });
  if (replay && balance) {
    const figure = `${(replay.requestsPerSecond / balance.requestsPerSecond).toFixed(2)}x (by server CPU per request: ${(balance.cpuMicros / replay.cpuMicros).toFixed(2)}x)`;
    goals.push({ goal: 'idempotent replay >= keyed GET /balance', met: replay.requestsPerSecond >= balance.requestsPerSecond, figure });
  }
  return goals;
}

const dir = mkdtempSync(join(tmpdir(), 'ai-market-bench-'));
const started: BenchSandbox[] = [];
const cleanUp = () => {
  for (const sandbox of started) sandbox.server.kill();
  rmSync(dir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });
}
main(dir, started)
  .then(async ({ ok, figures }) => {
    if (values.json) {
      writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
      say(`Figures written to ${values.json}.`);
    }
    const codes = await Promise.all(started.map((sandbox) => sandbox.server.stop('SIGTERM')));
    if (codes.some((code) => code !== 0)) say(`A sandbox exited with code ${codes.join(', ')} on SIGTERM.`);
    return ok && codes.every((code) => code === 0) ? 0 : 1;
  })
  .catch((error: unknown) => {
    console.error('bench failed:', error);
    return 1;
  })
  .then((code) => {
    cleanUp();
    process.exit(code);
  });
