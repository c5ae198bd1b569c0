/**
 * Whether a rule fires for one more matching request, from its counters: the next N (`times`),
 * every Nth (`every`), with a probability from its seeded sequence, or always. Pure: the store
 * runs it inside a write transaction and keeps what it returns.
 */
import { draw } from './seeded-random.js';

export interface RuleCounters {
  times: number | null;
  every: number | null;
  probability: number | null;
  seen: number;
  fired: number;
  rng_state: number;
}

export interface Decision {
  fire: boolean;
  seen: number;
  fired: number;
  rngState: number;
}

export function decide(rule: RuleCounters): Decision {
  const seen = rule.seen + 1;
  let rngState = rule.rng_state;
  let fire: boolean;
  if (rule.times !== null) fire = rule.fired < rule.times;
  else if (rule.every !== null) fire = seen % rule.every === 0;
  else if (rule.probability !== null) {
    const next = draw(rngState);
    rngState = next.state;
    fire = next.value < rule.probability;
  } else fire = true;
  return { fire, seen, fired: rule.fired + (fire ? 1 : 0), rngState };
}

/** A delay from min..max (whole ms, both ends included), drawn from the rule's sequence. */
export function drawDelay(min: number, max: number, rngState: number): { ms: number; rngState: number } {
  const next = draw(rngState);
  return { ms: min + Math.floor(next.value * (max - min + 1)), rngState: next.state };
}
