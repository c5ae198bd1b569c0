/**
 * The baseline: a bare `node:http` server in its own process, answering every
 * request with the given bytes as application/json. The sandbox is measured
 * against it in the same run, so the ratio says what the sandbox's own work costs
 * on whatever machine the bench runs on.
 */
import { spawn } from 'node:child_process';

export interface BareServer {
  readonly baseUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const SERVER = `
const http = require('node:http');
const body = Buffer.from(process.env.BENCH_BODY, 'base64');
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('listening on ' + server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

/** @example const bare = await startBareServer(Buffer.from('{"products":[]}')); ... await bare.stop(); */
export function startBareServer(body: Buffer): Promise<BareServer> {
  const child = spawn(process.execPath, ['-e', SERVER], {
    env: { ...process.env, BENCH_BODY: body.toString('base64') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the bare node:http server did not start within 10 s'));
    }, 10_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const port = /listening on (\d+)/.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      resolve({
        baseUrl: `http://127.0.0.1:${port}`,
        pid: child.pid!,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('error', reject);
  });
}
