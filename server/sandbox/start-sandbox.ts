/**
 * The sandbox inside a test file: `startSandbox()` starts the same server `serve` starts
 * (server/start-server.ts, HTTP-layer defences included), in the calling process, on a free port of 127.0.0.1, on an
 * in-memory database unless told otherwise, and hands back its URLs and a typed control client.
 */
import { VERSION } from '../../cli/package-info.js';
import { configFromValues, type ConfigValues } from '../config.js';
import { DEFAULT_FIXTURE_PATH, parseFixture, readFixtureFile } from '../fixture-file.js';
import { startServer } from '../start-server.js';
import { createControlClient, type ControlClient, type FixtureInput } from './control-client.js';

export interface SandboxOptions
  extends Pick<
    ConfigValues,
    | 'db'
    | 'host'
    | 'port'
    | 'rateLimit'
    | 'rateWindow'
    | 'controlToken'
    | 'idempotencyReuse'
    | 'journalLimit'
    | 'faults'
    | 'headersTimeoutMs'
    | 'requestTimeoutMs'
    | 'keepAliveTimeoutMs'
    | 'maxConnections'
  > {
  /**
   * The fixture to seed (an empty database) and to reset to: an object in the format of
   * fixtures/default.json, or the path of such a file. Default: the sandbox's default fixture.
   */
  fixture?: FixtureInput | string;
}

export interface Sandbox {
  /** e.g. `http://127.0.0.1:40123`: health, the OpenAPI documents, /docs, /_mock. */
  baseUrl: string;
  /** `${baseUrl}/api/v1`: what your client takes as the AI-Market base URL. */
  apiBaseUrl: string;
  /** The control token, when one was set. */
  controlToken?: string;
  /** A typed client of the control API, with the token when one was set. */
  control: ControlClient;
  /** Closes the server (requests in flight finish first) and the database. */
  stop(): Promise<void>;
}

/**
 * Settings are the `serve` command's (server/config.ts), checked the same way; the defaults
 * differ where a test wants them to: port 0 (a free one) and an in-memory database.
 * @example
 * const sandbox = await startSandbox({ rateLimit: 1000 });
 * const res = await fetch(`${sandbox.apiBaseUrl}/balance`, { headers: { 'X-API-Key': 'mk_test_alice' } });
 * await sandbox.stop();
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const { fixture: fixtureOption, ...settings } = options;
  const config = configFromValues(settings, { db: ':memory:', port: 0, host: '127.0.0.1' });
  const source = typeof fixtureOption === 'string' ? fixtureOption : fixtureOption ? 'options.fixture' : DEFAULT_FIXTURE_PATH;
  const fixture = typeof fixtureOption === 'object' ? parseFixture(fixtureOption, source) : readFixtureFile(source);
  const running = await startServer(config, { fixture, source }, VERSION);
  const { baseUrl } = running;
  const controlToken = config.controlToken || undefined;
  return {
    baseUrl,
    apiBaseUrl: `${baseUrl}/api/v1`,
    ...(controlToken ? { controlToken } : {}),
    control: createControlClient({ baseUrl, controlToken }),
    stop: running.close,
  };
}
