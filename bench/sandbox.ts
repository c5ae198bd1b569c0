/**
 * A sandbox server for the bench: a separate `serve` process on a database file
 * in a temporary folder, set up through the control API only (accounts, keys,
 * stock, settings), as a client would.
 */
import { join } from 'node:path';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';

/** The control API takes at most this many codes per request. */
const CODES_PER_REQUEST = 100_000;

export interface BenchSandbox {
  readonly server: SpawnedSandbox;
  readonly base: string;
  /** A control API call; throws unless it answers 2xx. */
  control(method: string, path: string, body?: unknown): Promise<any>;
  /** Creates an account with this key and balance. */
  addAccount(id: string, key: string, balance: number): Promise<void>;
  /** Creates (or replaces the unsold codes of) a product so it holds `codes` unsold codes. */
  putProduct(id: string, price: string, codes: number): Promise<void>;
  /** Adds codes to a product. */
  restock(id: string, codes: number): Promise<void>;
  /** The pid of the node process serving, for /proc (spawnSandbox's process is the server itself). */
  servingPid(): number;
}

/**
 * @example const sandbox = await startSandbox(dir, 'main', ['--rate-limit', '100000']);
 */
export async function startSandbox(dir: string, name: string, args: readonly string[]): Promise<BenchSandbox> {
  const server = await spawnSandbox({ db: join(dir, `${name}.sqlite`), args });
  const base = server.baseUrl;
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/_mock${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /_mock${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  const restock = async (id: string, codes: number) => {
    for (let left = codes; left > 0; left -= CODES_PER_REQUEST) {
      await control('POST', `/products/${id}/codes`, { count: Math.min(left, CODES_PER_REQUEST) });
    }
  };
  return {
    server,
    base,
    control,
    addAccount: async (id, key, balance) => void (await control('POST', '/accounts', { id, key, balance })),
    putProduct: async (id, price, codes) => {
      const first = Math.min(codes, CODES_PER_REQUEST);
      await control('PUT', `/products/${id}`, { name: `Benchmark ${id}`, price, stock: first });
      await restock(id, codes - first);
    },
    restock,
    servingPid: () => server.pid,
  };
}
