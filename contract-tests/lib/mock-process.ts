/** Starts this repository's mock on a free port for a run, and stops it again. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface MockProcess {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * @example
 *   const mock = await startMock('/work/main', ['--rate-limit', '20']);
 *   try { ... mock.baseUrl ... } finally { await mock.stop(); }
 */
export async function startMock(projectRoot: string, extraArgs: string[] = [], healthTimeoutMs = 20_000): Promise<MockProcess> {
  const tsx = join(projectRoot, 'node_modules', '.bin', 'tsx');
  const entry = join(projectRoot, 'cli', 'main.ts');
  if (!existsSync(tsx) || !existsSync(entry)) {
    throw new Error(`cannot start the mock: ${existsSync(tsx) ? entry : tsx} is missing; set AI_MARKET_BASE_URL to a running server`);
  }
  const port = await freePort();
  // The mock must run with its defaults (20 requests per 60 s, open control API), whatever the shell says.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AI_MARKET_MOCK_')));
  const child = spawn(tsx, [entry, 'serve', '--host', '127.0.0.1', '--port', String(port), '--db', ':memory:', ...extraArgs], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited: number | null | undefined;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const pid = child.pid!;
  const stop = async () => {
    if (exited !== undefined) return;
    try {
      process.kill(-pid, 'SIGTERM'); // the group: tsx and the node process it starts
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5_000);
    await exitPromise;
    clearTimeout(timer);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + healthTimeoutMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`the mock exited (code ${exited}) before it was ready:\n${output}`);
    try {
      const health = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1_000) });
      if (health.ok) return { baseUrl, pid, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`the mock did not answer GET /health within ${healthTimeoutMs / 1000} s:\n${output}`);
}
