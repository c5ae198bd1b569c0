/**
 * An autocannon-like closed loop: `connections` workers each send one request,
 * wait for the whole answer, and send the next, until the time or the request
 * budget runs out. Bounded both ways so a slow machine cannot make a run hang.
 */
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  /** Requests in flight at once. */
  connections: number;
  durationMs: number;
  maxRequests: number;
  /** Sends one request; resolves true when the answer is the expected one. */
  send: () => Promise<boolean>;
}

export interface LoadResult {
  requests: number;
  /** Answers that were not the expected status, or requests that threw. */
  errors: number;
  elapsedMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * @example
 * const result = await runLoad({ connections: 16, durationMs: 3000, maxRequests: 20_000,
 *   send: async () => (await fetch(url)).status === 200 });
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  const begin = performance.now();
  const deadline = begin + options.durationMs;

  const worker = async () => {
    while (started < options.maxRequests && performance.now() < deadline) {
      started++;
      const t0 = performance.now();
      try {
        if (!(await options.send())) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));

  const elapsedMs = performance.now() - begin;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    errors,
    elapsedMs,
    requestsPerSecond: latencies.length / (elapsedMs / 1000),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}
