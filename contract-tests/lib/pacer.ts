/**
 * Keeps a live run under the documented rate limit, so it never gets a 429 it did not ask for.
 * A sliding window over the request times in the run ledger (shared by every test file), with
 * a reserve of 10 % of the limit and one extra second of window for clock skew. Time is injected.
 */
import type { Ledger } from './run-ledger.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface PacerOptions {
  /** The server's limit per window (documented: 20). */
  limit: number;
  windowSeconds: number;
  /** Longest the pacer will wait for one slot before giving up (ms). */
  maxWaitMs?: number;
  onWait?: (ms: number, why: string) => void;
}

export class PacingTimeoutError extends Error {
  override name = 'PacingTimeoutError';
}

/**
 * @example
 *   const pacer = new Pacer(ledger, { limit: 20, windowSeconds: 60 }, realClock);
 *   await pacer.acquire(); // then send the request
 */
export class Pacer {
  /** Requests allowed per window after the reserve. */
  readonly capacity: number;
  readonly windowMs: number;
  readonly #maxWaitMs: number;

  constructor(
    private readonly ledger: Ledger,
    private readonly options: PacerOptions,
    private readonly clock: Clock,
  ) {
    this.capacity = Math.max(1, options.limit - Math.max(1, Math.floor(options.limit / 10)));
    this.windowMs = options.windowSeconds * 1000 + 1000;
    this.#maxWaitMs = options.maxWaitMs ?? 10 * 60_000;
  }

  /** Waits for a free slot, then books it. */
  async acquire(): Promise<void> {
    const started = this.clock.now();
    for (;;) {
      const now = this.clock.now();
      const wait = this.ledger.update((state) => {
        state.requestTimes = state.requestTimes.filter((t) => t > now - this.windowMs);
        if (now < state.blockedUntil) return { ms: state.blockedUntil - now, why: 'the server asked to retry later' };
        if (state.requestTimes.length < this.capacity) {
          state.requestTimes.push(now);
          return { ms: 0, why: '' };
        }
        return { ms: state.requestTimes[0]! + this.windowMs - now, why: `${this.capacity} requests in the last ${this.windowMs / 1000} s` };
      });
      if (wait.ms <= 0) return;
      if (now + wait.ms - started > this.#maxWaitMs) {
        throw new PacingTimeoutError(`pacing would wait more than ${this.#maxWaitMs / 1000} s for a request slot`);
      }
      this.options.onWait?.(wait.ms, wait.why);
      await this.clock.sleep(wait.ms);
    }
  }

  /** Books a request sent without waiting (the rate-limit case), so later requests account for it. */
  record(): void {
    const now = this.clock.now();
    this.ledger.update((state) => {
      state.requestTimes.push(now);
      state.requestTimes.sort((a, b) => a - b);
    });
  }

  /** Honours a 429: nothing is sent before `seconds` have passed. */
  block(seconds: number): void {
    const until = this.clock.now() + seconds * 1000;
    this.ledger.update((state) => {
      state.blockedUntil = Math.max(state.blockedUntil, until);
    });
  }

  /** Waits until the window holds none of this run's requests (a clean start for the rate-limit case). */
  async waitUntilIdle(): Promise<void> {
    const now = this.clock.now();
    const { requestTimes, blockedUntil } = this.ledger.read();
    const last = Math.max(blockedUntil, ...requestTimes.map((t) => t + this.windowMs));
    if (last > now) {
      this.options.onWait?.(last - now, 'an empty rate window');
      await this.clock.sleep(last - now);
    }
  }
}
