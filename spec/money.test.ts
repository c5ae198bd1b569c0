import { describe, expect, it } from 'vitest';
import { fromMicros, MAX_MICROS, toMicros } from './money.js';

describe('USDT amounts', () => {
  it('parses decimal strings and JSON numbers to exact micro-units', () => {
    expect(toMicros('0.10')).toBe(100_000);
    expect(toMicros(0.1)).toBe(100_000);
    expect(toMicros(12.5)).toBe(12_500_000);
    expect(toMicros('149.99')).toBe(149_990_000);
    expect(toMicros(0.000001)).toBe(1);
    expect(toMicros('0')).toBe(0);
    expect(toMicros(100)).toBe(100_000_000);
  });

  it('refuses negatives, more than 6 decimals, non-numbers and amounts past the maximum', () => {
    for (const bad of [-1, '-0.5', 0.1234567, '1e3', 'abc', '', '1.', NaN, Infinity, '1,5']) {
      expect(toMicros(bad as number | string), String(bad)).toBeUndefined();
    }
    expect(toMicros(fromMicros(MAX_MICROS))).toBe(MAX_MICROS);
    expect(toMicros(fromMicros(MAX_MICROS) + 1)).toBeUndefined();
  });

  it('formats micro-units as the JSON number a client expects', () => {
    expect(JSON.stringify(fromMicros(12_500_000))).toBe('12.5');
    expect(JSON.stringify(fromMicros(100_000))).toBe('0.1');
    expect(JSON.stringify(fromMicros(149_990_000))).toBe('149.99');
    expect(JSON.stringify(fromMicros(1))).toBe('0.000001');
  });

  it('keeps sums exact where floats drift: ten times 0.10 from 1.00 leaves exactly 0', () => {
    let floats = 1.0;
    let micros = toMicros('1.00')!;
    for (let i = 0; i < 10; i++) {
      floats -= 0.1;
      micros -= toMicros('0.10')!;
    }
    expect(floats).not.toBe(0); // the bug integer micro-units avoid
    expect(micros).toBe(0);
    expect(fromMicros(micros)).toBe(0);
  });

  it('round-trips every amount with up to 6 decimals through the wire form', () => {
    for (const micros of [1, 7, 99_999, 100_001, 123_456_789, 999_999_999_999, 4_503_599_627_370_495]) {
      if (micros > MAX_MICROS) continue;
      expect(toMicros(fromMicros(micros))).toBe(micros);
    }
  });
});
