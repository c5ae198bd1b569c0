/**
 * The one way to start a real `serve` process: the suite's own mock (global setup), the server's
 * process-level tests and the benchmark all come here. In the repository it runs the sources with
 * tsx (`node --import tsx cli/main.ts serve`); in an installed package, where tsx and the sources
 * are absent, the build (`node dist/cli/main.js serve`). Either way the spawned process is the
 * server itself, on the Node that runs the caller: the tsx command would sit in between and relay
 * signals, and it SIGKILLs the server and exits 143 when the server has not acknowledged a relayed
 * signal within 30 ms, which a loaded machine does not always manage. The server listens on a
 * port it picks itself (`--port 0`) and is ready once its banner names that port.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './settings.js';

/** The first line `serve` prints once it listens (cli/serve-command.ts). */
const BANNER = /AI-Market sandbox \S+ listening on \S+:(\d+)/;

export interface SandboxOptions {
  /** SQLite file, or ':memory:' (the default). Several servers may share one file. */
  db?: string;
  /** More flags for `serve`, e.g. ['--rate-limit', '100000']. */
  args?: readonly string[];
  /**
   * Extra environment. Inherited AI_MARKET_MOCK_* variables are dropped, so a developer's shell
   * (a control token, another rate limit) does not change the server; pass them here to set them.
   */
  env?: Readonly<Record<string, string>>;
  /** The package root holding cli/ or dist/ (default: the one this kit sits in). */
  root?: string;
  /** How long to wait for the banner. */
  readyTimeoutMs?: number;
}

export interface SpawnedSandbox {
  /** e.g. `http://127.0.0.1:40123`: the origin, without /api/v1 and without a trailing slash. */
  readonly baseUrl: string;
  readonly port: number;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends the signal (SIGTERM by default) and resolves with the exit code; rejects after timeoutMs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILLs the process group if the server still runs. For cleanup. */
  kill(): void;
}

/** The arguments for `node` that run `serve` from a package root: the sources with tsx when present, else the build. */
export function serveArgs(root: string): string[] {
  const tsx = join(root, 'node_modules', 'tsx', 'package.json');
  const sources = join(root, 'cli', 'main.ts');
  // `--import tsx` resolves from the working directory, which is the root.
  if (existsSync(tsx) && existsSync(sources)) return ['--import', 'tsx', sources, 'serve'];
  const build = join(root, 'dist', 'cli', 'main.js');
  if (existsSync(build)) return [build, 'serve'];
  throw new Error(`cannot start the sandbox: neither ${sources} with tsx nor ${build} exists (run npm run build)`);
}

/**
 * @example
 *   const server = await spawnSandbox({ db: join(dir, 'shared.sqlite'), args: ['--rate-limit', '100000'] });
 *   try {
 *     await fetch(`${server.baseUrl}/health`);
 *     expect(await server.stop()).toBe(0);
 *   } finally {
 *     server.kill();
 *   }
 */
export async function spawnSandbox(options: SandboxOptions = {}): Promise<SpawnedSandbox> {
  const root = options.root ?? PROJECT_ROOT;
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('AI_MARKET_MOCK_'));
  const child = spawn(
    process.execPath,
    [...serveArgs(root), '--host', '127.0.0.1', '--port', '0', '--db', options.db ?? ':memory:', ...(options.args ?? [])],
    {
      cwd: root,
      env: { ...Object.fromEntries(inherited), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so kill() also reaches anything it starts.
      detached: true,
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  // 'close', not 'exit': the process has ended AND its output is all read (the last lines, such as
  // the shutdown's, can arrive after 'exit').
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;

  const kill = () => {
    if (!running() || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number | null> => {
    if (!running()) return child.exitCode;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the sandbox did not exit within ${timeoutMs} ms of ${signal}; output:\n${output}`)), timeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timeoutMs = options.readyTimeoutMs ?? 20_000;
      const timer = setTimeout(() => done(new Error(`the sandbox was not ready after ${timeoutMs} ms; output so far:\n${output}`)), timeoutMs);
      const onData = () => {
        const match = BANNER.exec(output);
        if (match) done(undefined, Number(match[1]));
      };
      const done = (error: Error | undefined, found?: number) => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        if (error) reject(error);
        else resolve(found!);
      };
      child.stdout.on('data', onData);
      child.once('error', (error) => done(error));
      void exited.then((code) => done(new Error(`the sandbox exited with code ${code} before it was ready; output:\n${output}`)));
    });
    return { baseUrl: `http://127.0.0.1:${port}`, port, pid: child.pid!, output: () => output, stop, kill };
  } catch (error) {
    kill();
    throw error;
  }
}
