/**
 * A rule's own random sequence (mulberry32): a 32-bit state, kept in the database after every
 * draw, so a rule created with the same seed gives the same sequence in every run and process.
 */

/** One draw: a number in [0, 1) and the state after it. */
export function draw(state: number): { value: number; state: number } {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296, state: next };
}

/** A seed for a rule that did not give one (shown in the list, so the run can be repeated). */
export const randomSeed = () => Math.floor(Math.random() * 4_294_967_296);
