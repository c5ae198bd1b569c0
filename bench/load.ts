/**
 * One load run with autocannon, driven from code: `connections` keep-alive
 * connections each send the next request as soon as the last is answered, for a
 * time or a number of requests. Latencies are kept at full resolution (autocannon's
 * own histogram rounds to whole milliseconds) and every answer's status is checked.
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is given. */
  durationSeconds?: number;
  /** Stop after this many answers instead of after a time. */
  amount?: number;
  /** With a duration: stop early once this many were answered (new orders must not run out of stock). */
  maxRequests?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Several requests sent in turn by each connection (a mix), instead of url/method/headers/body. */
  requests?: autocannon.Request[];
  /** Each request takes the next of these values for this header, round robin across all connections (many keys). */
  rotate?: { header: string; values: readonly string[] };
  /** The status every answer must have; an array when a mix expects several. */
  expect: number | readonly number[];
  /** Called with each answer's status (the soak mode counts answers with it). */
  onAnswer?: (status: number) => void;
  /** Keep each latency for p50/p99 (off for a soak's million requests). */
  keepLatencies?: boolean;
}

export interface LoadFigures {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  /** Milliseconds, NaN when latencies were not kept. */
  p50: number;
  p99: number;
  /** Answers with another status than expected, plus connection errors and timeouts. */
  unexpected: number;
  statuses: Record<string, number>;
}

/**
 * @example const figures = await runLoad({ url: `${base}/health`, connections: 50, durationSeconds: 5, expect: 200 });
 */
export function runLoad(spec: LoadSpec): Promise<LoadFigures> {
  const expected = new Set(typeof spec.expect === 'number' ? [spec.expect] : spec.expect);
  const keep = spec.keepLatencies ?? true;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let unexpected = 0;
  let first = 0;
  let last = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        // autocannon refuses more connections than requests.
        connections: Math.max(1, Math.min(spec.connections, spec.amount ?? Infinity, spec.maxRequests ?? Infinity)),
        ...(spec.amount !== undefined
          ? { amount: spec.amount }
          : { duration: spec.durationSeconds ?? 5, ...(spec.maxRequests !== undefined && { maxOverallRequests: spec.maxRequests }) }),
        method: spec.method ?? 'GET',
        headers: spec.headers,
        body: spec.body,
        requests: spec.requests ?? (spec.rotate && [rotating(spec, spec.rotate)]),
        timeout: 10,
      },
      (error, result) => {
        if (error) return reject(error);
        const sorted = Float64Array.from(latencies).sort();
        const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN);
        const answered = result.requests.total;
        // From the first request sent to the last answer: autocannon's own duration rounds to whole seconds.
        const seconds = Math.max(1e-3, (last - first) / 1000);
        resolve({
          requests: answered,
          seconds,
          requestsPerSecond: answered / seconds,
          p50: at(0.5),
          p99: at(0.99),
          unexpected: unexpected + result.errors + result.timeouts,
          statuses,
        });
      },
    );
    first = performance.now();
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      last = performance.now();
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (!expected.has(status)) unexpected++;
      if (keep) latencies.push(ms);
      spec.onAnswer?.(status);
    });
  });
}

/** A request whose header takes the next value each time it is sent, whichever connection sends it. */
function rotating(spec: LoadSpec, rotate: NonNullable<LoadSpec['rotate']>): autocannon.Request {
  let next = 0;
  return {
    method: spec.method ?? 'GET',
    path: new URL(spec.url).pathname,
    setupRequest: (request) => ({ ...request, headers: { ...spec.headers, [rotate.header]: rotate.values[next++ % rotate.values.length]! } }),
  };
}
