/**
 * A tiny stand-in for the AI-Market API (node:http on 127.0.0.1, a random port) that is correct
 * until told to break in one way. The self-tests point contract cases at it as a "live" target
 * and check that each breakage is reported.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseUsdt } from '../lib/money.js';
import type { Clock } from '../lib/pacer.js';

export type Breakage =
  | 'none'
  | 'wrong-status' // an unknown product answers 500 instead of 404
  | 'missing-field' // products lack in_stock
  | 'float-balance' // money computed in binary floating point
  | 'rounded-balance' // balance_remaining rounded to cents
  | 'double-charge' // an idempotent replay charges the wallet again
  | 'reused-code' // every order gets the same codes
  | 'no-retry-after'; // a 429 without the Retry-After header

export interface FixtureProduct {
  id: string;
  price: string;
  stock: number;
}

export const FIXTURE_KEY = 'mk_selftest_fixture';

/** A clock the test moves by hand; the fixture's rate limit and the suite's pacer share it. */
export function fakeClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface FixtureServer {
  baseUrl: string;
  breakage: Breakage;
  /** Purchase requests received (to prove a refused-by-budget purchase was never sent). */
  purchasesReceived: number;
  reset(state: { balance: string; products: FixtureProduct[] }): void;
  close(): Promise<void>;
}

export async function startFixtureServer(clock: Clock): Promise<FixtureServer> {
  let balance = 0; // micros, or a float in USDT in float-balance mode
  let products: { id: string; price: number; stock: number }[] = [];
  let stored = new Map<string, { body: string; price: number }>();
  let requests: number[] = [];
  let orderNo = 0;
  let codeNo = 0;

  const usdt = (micros: number) => (state.breakage === 'float-balance' ? micros : micros / 1e6);
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, extra: object = {}, headers: Record<string, string> = {}) =>
    send(res, status, { success: false, code, error: code.toLowerCase().replace(/_/g, ' '), ...extra }, headers);

  async function readBody(req: IncomingMessage): Promise<string> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return text;
  }

  async function purchase(req: IncomingMessage, res: ServerResponse): Promise<void> {
    state.purchasesReceived += 1;
    let body: { product_id?: unknown; quantity?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      return error(res, 400, 'VALIDATION');
    }
    const { product_id: id, quantity: q } = body ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return error(res, 400, 'VALIDATION');
    if (typeof id !== 'string' || id === '' || typeof q !== 'number' || !Number.isInteger(q) || q < 1 || q > 10) {
      return error(res, 400, 'VALIDATION');
    }
    const key = req.headers['idempotency-key'];
    if (typeof key === 'string') {
      if (key.length === 0 || key.length > 255) return error(res, 400, 'VALIDATION');
      const earlier = stored.get(key);
      if (earlier) {
        if (state.breakage === 'double-charge') balance -= earlier.price;
        return send(res, 200, earlier.body);
      }
    }
    const product = products.find((p) => p.id === id);
    if (!product) return error(res, state.breakage === 'wrong-status' ? 500 : 404, 'PRODUCT_NOT_FOUND');
    if (product.stock < q) return error(res, 409, 'OUT_OF_STOCK', { requested: q, stock: product.stock });
    const total = product.price * q;
    if (total > balance) return error(res, 402, 'INSUFFICIENT_BALANCE', { required: usdt(total), available: usdt(balance) });
    balance -= total;
    product.stock -= q;
    let remaining = usdt(balance);
    if (state.breakage === 'rounded-balance') {
      remaining = Number(remaining.toFixed(2));
      balance = Math.round(remaining * 1e6);
    }
    const codes = Array.from({ length: q }, (_, i) => (state.breakage === 'reused-code' ? `FIX-${i + 1}` : `FIX-${++codeNo}`));
    const answer = JSON.stringify({ success: true, order_id: `ord_${++orderNo}`, codes, balance_remaining: remaining });
    if (typeof key === 'string') stored.set(key, { body: answer, price: total });
    send(res, 200, answer);
  }

  const server = createServer((req, res) => {
    const apiKey = req.headers['x-api-key'];
    if (apiKey === undefined) return error(res, 401, 'NO_KEY');
    if (apiKey !== FIXTURE_KEY) return error(res, 401, 'INVALID_KEY');
    const now = clock.now();
    requests = requests.filter((t) => t > now - 60_000);
    if (requests.length >= 20) {
      const seconds = Math.max(1, Math.ceil((requests[0]! + 60_000 - now) / 1000));
      const headers: Record<string, string> = state.breakage === 'no-retry-after' ? {} : { 'Retry-After': String(seconds) };
      return error(res, 429, 'RATE_LIMITED', { retry_after_seconds: seconds }, headers);
    }
    requests.push(now);
    const route = `${req.method} ${req.url}`;
    if (route === 'GET /api/v1/balance') return send(res, 200, { balance: usdt(balance), currency: 'USDT' });
    if (route === 'GET /api/v1/products') {
      return send(res, 200, {
        products: products.map((p) => ({
          id: p.id,
          name: `Fixture ${p.id}`,
          price: usdt(p.price),
          stock: p.stock,
          ...(state.breakage === 'missing-field' ? {} : { in_stock: p.stock > 0 }),
        })),
      });
    }
    if (route === 'POST /api/v1/purchase') {
      purchase(req, res).catch(() => error(res, 400, 'VALIDATION'));
      return;
    }
    error(res, 404, 'NOT_FOUND');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const state: FixtureServer = {
    baseUrl: `http://127.0.0.1:${port}`,
    breakage: 'none',
    purchasesReceived: 0,
    reset(initial) {
      const float = state.breakage === 'float-balance';
      balance = float ? Number(initial.balance) : parseUsdt(initial.balance);
      products = initial.products.map((p) => ({ id: p.id, price: float ? Number(p.price) : parseUsdt(p.price), stock: p.stock }));
      stored = new Map();
      requests = [];
      state.purchasesReceived = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}
