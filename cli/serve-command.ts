/**
 * `serve`: the only place that reads the environment. Starts the server with
 * server/start-server.ts (the wiring startSandbox() shares), prints where to start,
 * and on SIGTERM/SIGINT finishes requests in flight, closes the database and exits 0.
 */
import { parseConfig, type Config } from '../server/config.js';
import { DEFAULT_FIXTURE_PATH, readFixtureFile } from '../server/fixture-file.js';
import { sampleKey } from '../server/sample-key.js';
import { startServer, type RunningServer } from '../server/start-server.js';
import type { Fixture } from '../spec/control-schemas.js';
import { VERSION } from './package-info.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export async function runServe(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = parseConfig(argv, env);
  const fixtureSource = config.fixtures || DEFAULT_FIXTURE_PATH;
  const fixture = readFixtureFile(fixtureSource);
  const running = await startServer(config, { fixture, source: fixtureSource }, VERSION);
  printBanner(config, running, fixture);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then closing the database.`);
    void running.close().then(() => {
      console.log('Stopped cleanly.');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function printBanner(config: Config, running: RunningServer, fixture: Fixture) {
  const { store, port, seeded, baseUrl: base } = running;
  const sample = sampleKey(store);
  const lines = [
    `AI-Market sandbox ${VERSION} listening on ${config.host}:${port}`,
    `  API base URL:  ${base}/api/v1`,
    `  Control API:   ${base}/_mock  (${config.controlToken ? 'locked with a bearer token' : 'open, no token'})`,
    `  Dashboard:     ${base}/_mock/ui`,
    `  API docs:      ${base}/docs  (try requests in the browser)`,
    `  OpenAPI:       ${base}/openapi.yaml`,
    `  Database:      ${config.db}${seeded ? ' (seeded from the fixture)' : ' (existing state kept)'}`,
  ];
  const faults = store.faults.list().length;
  if (faults > 0) lines.push(`  Fault rules:   ${faults} in force (GET ${base}/_mock/faults)`);
  if (config.fixtures && !seeded && JSON.stringify(store.currentFixture()) !== JSON.stringify(fixture)) {
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
