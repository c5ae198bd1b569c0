/** The bench's table: one row per measured route. */
import type { RouteFigures } from './routes.js';

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

export function printTable(rows: readonly RouteFigures[], say: (line: string) => void): void {
  const cells = [
    ['route', 'conns', 'requests', 'req/s', 'vs bare', 'p50 ms', 'p99 ms', 'CPU µs/req', 'CPU vs bare', 'unexpected'],
    ...rows.map((r) => [
      r.name,
      String(r.connections),
      String(r.requests),
      fixed(r.requestsPerSecond, 0),
      fixed(r.ratio, 2),
      fixed(r.p50, 2),
      fixed(r.p99, 2),
      fixed(r.cpuMicros, 0),
      fixed(r.cpuRatio, 2),
      String(r.unexpected),
    ]),
  ];
  const widths = cells[0]!.map((_, col) => Math.max(...cells.map((row) => row[col]!.length)));
  for (const row of cells) say(row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '));
}
