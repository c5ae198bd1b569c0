/**
 * `serve`: the only place that reads the environment. Starts the server with
 * server/start-server.ts (the wiring startSandbox() shares), prints where to start,
 * and on SIGTERM/SIGINT finishes requests in flight, closes the database and exits 0.
 */
import { parseConfig, type Config } from '../server/config.js';
import { DEFAULT_FIXTURE_PATH, readFixtureFile, sampleKey } from '../server/fixture-file.js';
import { startServer } from '../server/start-server.js';
import type { Fixture } from '../spec/control-schemas.js';
import { VERSION } from './package-info.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export async function runServe(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = parseConfig(argv, env);
  const fixture = readFixtureFile(config.fixtures || DEFAULT_FIXTURE_PATH);
  const running = await startServer(config, fixture, VERSION);
  printBanner(config, running.port, fixture, running.seeded);

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

function printBanner(config: Config, port: number, fixture: Fixture, seeded: boolean) {
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = `http://${shownHost}:${port}`;
  const sample = sampleKey(fixture);
  const lines = [
    `AI-Market sandbox ${VERSION} listening on ${config.host}:${port}`,
    `  API base URL:  ${base}/api/v1`,
    `  Control API:   ${base}/_mock  (${config.controlToken ? 'locked with a bearer token' : 'open, no token'})`,
    `  Dashboard:     ${base}/_mock/ui`,
    `  API docs:      ${base}/docs  (try requests in the browser)`,
    `  OpenAPI:       ${base}/openapi.yaml`,
    `  Database:      ${config.db}${seeded ? ' (seeded from the fixture)' : ' (existing state kept)'}`,
  ];
  if (sample) {
    lines.push(`  Sandbox key:   ${sample.key} (${sample.balance} USDT)`);
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
