/**
 * Exact USDT arithmetic for the assertions. Amounts are integer micro-USDT (6 decimal places),
 * never floats: a float-rounded balance from the server must show up as a difference, not be
 * rounded away by the test.
 */

/** Integer micro-USDT (1 USDT = 1_000_000). */
export type Micros = number;

export const MICROS_PER_USDT = 1_000_000;

export class InexactAmountError extends Error {
  override name = 'InexactAmountError';
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/** Parses a decimal string such as '12.5', '0.000001' or a JS number's own text ('1e-7'). */
export function parseUsdt(text: string): Micros {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new InexactAmountError(`'${text}' is not a decimal number`);
  const [, sign, intPart = '0', fracPart = '', expPart] = match;
  let digits = intPart + fracPart;
  let point = intPart.length + Number(expPart ?? 0);
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits + '0'.repeat(point - digits.length);
  const whole = digits.slice(0, point) || '0';
  const fraction = digits.slice(point).replace(/0+$/, '');
  if (fraction.length > 6) {
    throw new InexactAmountError(`${text} has more than 6 decimal places: not an exact USDT amount`);
  }
  const micros = BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0') || '0');
  if (micros > BigInt(Number.MAX_SAFE_INTEGER)) throw new InexactAmountError(`${text} is too large`);
  return (sign === '-' ? -1 : 1) * Number(micros);
}

/** A JSON number from a response, as micros; throws when it is not a 6-decimal amount. */
export function toMicros(value: unknown): Micros {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InexactAmountError(`${JSON.stringify(value)} is not a finite JSON number`);
  }
  return parseUsdt(String(value));
}

/** True when a JSON number carries at most `places` decimal places in its shortest form. */
export function hasAtMostDecimals(value: number, places: number): boolean {
  if (!Number.isFinite(value)) return false;
  try {
    const micros = parseUsdt(String(value));
    return places >= 6 || micros % 10 ** (6 - places) === 0;
  } catch {
    return false;
  }
}

/** '12.5', '0.000001', '0' — the plain form the API and the control API accept. */
export function formatUsdt(micros: Micros): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS_PER_USDT);
  const fraction = String(abs % MICROS_PER_USDT).padStart(6, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

export function times(price: Micros, quantity: number): Micros {
  const total = price * quantity;
  if (!Number.isSafeInteger(total)) throw new InexactAmountError(`${price} × ${quantity} overflows`);
  return total;
}
