/**
 * Money guard and purchase book. Before a purchase is sent, its worst-case cost is reserved
 * against the allowance (AI_MARKET_ALLOW_SPEND) and refused when it would not fit; after the
 * answer, a new order is booked as spent, a replayed one (same order_id) is not. Every code
 * delivered in the run is remembered (hashed) so a code handed out twice is caught.
 */
import { formatUsdt, type Micros } from './money.js';
import { hashSecret, type Ledger } from './run-ledger.js';

export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
}

export interface Reservation {
  cost: Micros;
  what: string;
}

export type OrderOutcome = { kind: 'new' } | { kind: 'replay' } | { kind: 'violation'; message: string };

/** What is left of the allowance, or null when there is no cap (a mock). */
export function remaining(ledger: Ledger): Micros | null {
  const state = ledger.read();
  return state.budget === null ? null : state.budget - state.spent - state.reserved;
}

/**
 * @example
 *   const r = reserve(ledger, 1_500_000, 'purchase of 002 × 1');
 *   try { ...send... } finally { release(ledger, r); }
 */
export function reserve(ledger: Ledger, cost: Micros, what: string): Reservation {
  return ledger.update((state) => {
    if (state.budget !== null && state.spent + state.reserved + cost > state.budget) {
      throw new BudgetExceededError(
        `${what} could cost ${formatUsdt(cost)} USDT but only ${formatUsdt(state.budget - state.spent - state.reserved)} ` +
          `of AI_MARKET_ALLOW_SPEND=${formatUsdt(state.budget)} is left; not sent`,
      );
    }
    state.reserved += cost;
    return { cost, what };
  });
}

export function release(ledger: Ledger, reservation: Reservation): void {
  ledger.update((state) => {
    state.reserved -= reservation.cost;
  });
}

/** Books a successful purchase answer: a new order is spent money, a known order_id a replay. */
export function bookOrder(ledger: Ledger, orderId: string, codes: string[], cost: Micros): OrderOutcome {
  const hashes = codes.map(hashSecret);
  return ledger.update((state): OrderOutcome => {
    const known = state.orders[orderId];
    if (known) {
      return known.codes.join() === hashes.join()
        ? { kind: 'replay' }
        : { kind: 'violation', message: `order ${orderId} came back with other codes than the first time` };
    }
    state.orders[orderId] = { cost, codes: hashes };
    state.spent += cost;
    const seenHere = new Set<string>();
    for (const [i, hash] of hashes.entries()) {
      const earlier = state.codes[hash];
      if (seenHere.has(hash)) return { kind: 'violation', message: `code #${i + 1} appears twice in order ${orderId}` };
      if (earlier) return { kind: 'violation', message: `code #${i + 1} of order ${orderId} was already delivered in order ${earlier}` };
      seenHere.add(hash);
      state.codes[hash] = orderId;
    }
    return { kind: 'new' };
  });
}
