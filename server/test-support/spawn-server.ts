/**
 * Real `serve` processes for the tests and the benchmark that need them: two
 * servers on one database file, requests over real HTTP, shutdown by signal.
 * Each server runs `node_modules/.bin/tsx cli/main.ts serve --port 0` from the
 * project root and is ready once its banner names the port it got.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const BANNER = /AI-Market sandbox \S+ listening on 127\.0\.0\.1:(\d+)/;

export interface SpawnedServer {
  /** e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly baseUrl: string;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends the signal (SIGTERM by default) and resolves with the exit code; rejects after timeoutMs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILLs the process group (tsx and the server under it) if it still runs. For afterAll. */
  kill(): void;
}

export interface SpawnServerOptions {
  /** SQLite file; several servers may share one. */
  db: string;
  /** More flags for `serve`, e.g. ['--rate-limit', '100000']. */
  args?: readonly string[];
  /** How long to wait for the banner. */
  readyTimeoutMs?: number;
  /** Variables for the server on top of the inherited ones (AI_MARKET_MOCK_* are dropped from those). */
  env?: Record<string, string>;
}

/**
 * @example
 * const server = await spawnServer({ db: join(dir, 'shared.sqlite'), args: ['--rate-limit', '100000'] });
 * const res = await fetch(`${server.baseUrl}/health`);
 * expect(await server.stop()).toBe(0);
 */
export async function spawnServer(options: SpawnServerOptions): Promise<SpawnedServer> {
  // The server's settings come from flags only: a developer's AI_MARKET_MOCK_* variables
  // (a control token, another rate limit) must not change what the tests see.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AI_MARKET_MOCK_'))), ...options.env };
  const child = spawn(TSX, ['cli/main.ts', 'serve', '--port', '0', '--host', '127.0.0.1', '--db', options.db, ...(options.args ?? [])], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so kill() also reaches the node process tsx starts.
    detached: true,
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const kill = () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };

  try {
    const port = await waitForBanner(child, () => output, exited, options.readyTimeoutMs ?? 20_000);
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      pid: child.pid!,
      output: () => output,
      stop: (signal = 'SIGTERM', timeoutMs = 15_000) => stopChild(child, exited, signal, timeoutMs, () => output),
      kill,
    };
  } catch (error) {
    kill();
    throw error;
  }
}

function waitForBanner(child: ChildProcess, output: () => string, exited: Promise<number | null>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`server not ready after ${timeoutMs} ms; output so far:\n${output()}`)), timeoutMs);
    const onData = () => {
      const match = BANNER.exec(output());
      if (!match) return;
      cleanup();
      resolve(Number(match[1]));
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => fail(new Error(`server exited with code ${code} before it was ready; output:\n${output()}`)));
  });
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  signal: NodeJS.Signals,
  timeoutMs: number,
  output: () => string,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  // To tsx only: it relays the signal to the server and exits with the server's code.
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`server did not exit within ${timeoutMs} ms of ${signal}; output:\n${output()}`)), timeoutMs);
  });
  try {
    return await Promise.race([exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
