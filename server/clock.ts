/**
 * Time is a dependency: rate windows, idempotency expiry and timestamps all read
 * `clock.now()`. The sandbox runs a virtual clock (real time plus an offset the
 * control API moves forward); tests use a manual clock that only moves when told.
 */
export interface Clock {
  /** Milliseconds since the epoch, virtual. */
  now(): number;
  /** Moves the clock forward, atomically (no concurrent advance is lost); returns the clock after this move. */
  advance(ms: number): ClockReading;
  /** Back to real time (or, for a manual clock, to its start). */
  reset(): void;
  /** The time and how far it is ahead of real time, from one read of the offset. */
  read(): ClockReading;
}

export interface ClockReading {
  now: number;
  offsetMs: number;
}

/** Where a virtual clock keeps its offset; the store keeps it in SQLite so processes sharing a database agree. */
export interface OffsetStorage {
  readOffsetMs(): number;
  writeOffsetMs(ms: number): void;
  /** Adds to the offset as one atomic step (another process may be adding at the same time); returns the new offset. */
  addOffsetMs(ms: number): number;
}

/**
 * The sandbox's clock: real time plus a stored offset.
 * @example const clock = createVirtualClock(store.clockOffset); clock.advance(61_000);
 */
export function createVirtualClock(storage: OffsetStorage, realNow: () => number = Date.now): Clock {
  const reading = (offsetMs: number): ClockReading => ({ now: realNow() + offsetMs, offsetMs });
  return {
    now: () => realNow() + storage.readOffsetMs(),
    advance: (ms) => reading(storage.addOffsetMs(ms)),
    reset: () => storage.writeOffsetMs(0),
    read: () => reading(storage.readOffsetMs()),
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
      return { now: startMs + offset, offsetMs: offset };
    },
    reset: () => {
      offset = 0;
    },
    read: () => ({ now: startMs + offset, offsetMs: offset }),
  };
}
