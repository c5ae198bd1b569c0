/**
 * The report on the wire: the Report object with snake_case keys (`entry_ids`, `account_id`),
 * as GET /_mock/report answers it and the CLI reads it back. The Report holds no map keyed by
 * data (codes, ids), so renaming every key is safe both ways.
 */
import type { z } from '@hono/zod-openapi';
import type { ReportView } from '../../spec/control-schemas.js';
import type { Report } from './report-types.js';

/** The wire form as the spec describes it (spec/control-schemas.ts, the Report schema). */
export type SpecReport = z.infer<typeof ReportView>;

/** `entryIds` → `entry_ids`, as a type. */
type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Uppercase<Head> ? (Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`) : Head}${SnakeCase<Tail>}`
  : S;

/** A value with every object key in snake_case. */
export type Wire<T> = T extends readonly (infer Item)[]
  ? Wire<Item>[]
  : T extends object
    ? { [K in keyof T as K extends string ? SnakeCase<K> : K]: Wire<T[K]> }
    : T;

export type WireReport = Wire<Report>;

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [rename(key), renameKeys(item, rename)]));
  }
  return value;
}

/** The Report with snake_case keys. Typed as the spec's schema, so the two cannot drift apart unnoticed. */
export function toWire(report: Report): SpecReport {
  const wire: WireReport = renameKeys(report, snake) as WireReport;
  return wire;
}

/** The Report of a wire form already checked against the spec's schema (ReportView.parse). */
export const fromWire = (wire: SpecReport): Report => renameKeys(wire, camel) as Report;

export const formatJson = (report: Report): string => `${JSON.stringify(toWire(report), null, 2)}\n`;
