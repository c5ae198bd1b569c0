/**
 * Time is a dependency: rate windows, idempotency expiry and timestamps all read
 * `clock.now()`. The sandbox runs a virtual clock (real time plus an offset the
 * control API moves forward); tests use a manual clock that only moves when told.
 */
export interface Clock {
  /** Milliseconds since the epoch, virtual. */
  now(): number;
  /** Moves the clock forward. */
  advance(ms: number): void;
  /** Back to real time (or, for a manual clock, to its start). */
  reset(): void;
  /** How far the clock is ahead of real time, in ms. */
  offsetMs(): number;
}

/** Where a virtual clock keeps its offset; the store keeps it in SQLite so processes sharing a database agree. */
export interface OffsetStorage {
  readOffsetMs(): number;
  writeOffsetMs(ms: number): void;
}

/**
 * The sandbox's clock: real time plus a stored offset.
 * @example const clock = createVirtualClock(store.clockOffset); clock.advance(61_000);
 */
export function createVirtualClock(storage: OffsetStorage, realNow: () => number = Date.now): Clock {
  return {
    now: () => realNow() + storage.readOffsetMs(),
    advance: (ms) => storage.writeOffsetMs(storage.readOffsetMs() + ms),
    reset: () => storage.writeOffsetMs(0),
    offsetMs: () => storage.readOffsetMs(),
  };
}

/**
 * A clock that stands still until told to move: for deterministic tests.
 * @example const clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'));
 */
export function createManualClock(startMs = Date.parse('2026-01-01T00:00:00.000Z')): Clock {
  let offset = 0;
  return {
    now: () => startMs + offset,
    advance: (ms) => {
      offset += ms;
    },
    reset: () => {
      offset = 0;
    },
    offsetMs: () => offset,
  };
}
