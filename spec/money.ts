/**
 * USDT amounts. On the wire they are plain JSON numbers (12.5, 0.1); inside the
 * mock they are integer micro-units (1 USDT = 1_000_000), so sums never drift:
 * ten purchases of 0.10 from a 1.00 wallet leave exactly 0.
 */
/** USDT amounts are exact to this many decimal places (stated in the spec as `x-decimal-places`). */
export const USDT_DECIMAL_PLACES = 6;
export const MICROS_PER_USDT = 10 ** USDT_DECIMAL_PLACES;
/** Largest amount the mock accepts: keeps every sum far below 2^53 micro-units. */
export const MAX_MICROS = 1_000_000_000 * MICROS_PER_USDT;

const DECIMAL = /^(\d{1,12})(?:\.(\d{1,6}))?$/;

/**
 * Parses a non-negative amount with at most 6 decimal places into micro-units,
 * or returns undefined. Numbers are read through their shortest decimal form,
 * which is exactly the text a JSON client wrote (0.1 -> "0.1").
 * @example toMicros('0.10') === 100_000; toMicros(12.5) === 12_500_000; toMicros(0.1234567) === undefined
 */
export function toMicros(amount: number | string): number | undefined {
  const text = typeof amount === 'number' ? (Number.isFinite(amount) ? numberToPlainString(amount) : '') : amount.trim();
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(6, '0'));
  const micros = whole * MICROS_PER_USDT + fraction;
  return micros <= MAX_MICROS ? micros : undefined;
}

/** Micro-units to the JSON number that prints as the exact decimal (12_500_000 -> 12.5). */
export function fromMicros(micros: number): number {
  // Division of an integer below 2^53 by 1e6 is correctly rounded, so the
  // result is the double closest to the decimal and prints as that decimal.
  return micros / MICROS_PER_USDT;
}

/** Avoids exponent notation (1e-7) that the decimal pattern would reject anyway. */
function numberToPlainString(value: number): string {
  const text = String(value);
  return text.includes('e') ? value.toFixed(7) : text;
}
