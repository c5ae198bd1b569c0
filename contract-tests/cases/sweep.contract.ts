/**
 * The sweep: every operation and every documented answer (status and error code) in
 * spec/openapi.yaml has a case, every case is registered, and the registry names nothing the
 * spec does not have. A new route or error code in the spec fails here until a case covers it.
 */
import { describe, expect, it } from 'vitest';
import { CATALOGUE, outcomeKey } from '../lib/catalogue.js';
import { PUBLIC_SPEC_PATH } from '../lib/settings.js';
import { SpecValidator } from '../lib/spec-validator.js';
import { CASES_BY_FILE } from './index.js';

const spec = SpecValidator.fromFile(PUBLIC_SPEC_PATH);
const covered = new Set(CATALOGUE.flatMap((entry) => entry.covers.map(outcomeKey)));

/** Every (operation, status, code) the spec declares; success answers have no code. */
const declared = spec.operations().flatMap((op) =>
  op.responses.flatMap((r) =>
    r.codes.length === 0
      ? [outcomeKey({ operation: op.operationId as never, status: Number(r.status) })]
      : r.codes.map((code) => outcomeKey({ operation: op.operationId as never, status: Number(r.status), code })),
  ),
);

describe('sweep: the spec has a case for everything', () => {
  it('every operation in spec/openapi.yaml has a case', () => {
    const missing = spec.operations().filter((op) => !CATALOGUE.some((e) => e.covers.some((o) => o.operation === op.operationId)));
    expect(missing.map((op) => `${op.operationId} (${op.method} ${op.path})`)).toEqual([]);
  });

  it('every declared status and error code of every operation has a case', () => {
    expect(declared.filter((key) => !covered.has(key))).toEqual([]);
  });

  it('every documented error code (ErrorCode) has a case', () => {
    const codes = spec.enumOf('ErrorCode');
    expect(codes.length).toBeGreaterThan(0);
    const coveredCodes = new Set(CATALOGUE.flatMap((e) => e.covers.map((o) => o.code)));
    expect(codes.filter((code) => !coveredCodes.has(code))).toEqual([]);
  });

  it('the registry claims nothing the spec does not declare', () => {
    const known = new Set(declared);
    const codes = new Set(spec.enumOf('ErrorCode'));
    const stale = CATALOGUE.flatMap((e) =>
      e.covers
        .filter((o) => (o.operation === '*' ? !o.code || !codes.has(o.code) : !known.has(outcomeKey(o))))
        .map((o) => `${e.id}: ${outcomeKey(o)}`),
    );
    expect(stale).toEqual([]);
  });

  it('every case in the registry has a body, registered by the file the registry names', () => {
    const registered = Object.entries(CASES_BY_FILE).flatMap(([file, cases]) => cases.map((c) => `${c.id} @ ${file}`));
    expect(registered.sort()).toEqual(CATALOGUE.map((e) => `${e.id} @ ${e.file}`).sort());
    expect(new Set(CATALOGUE.map((e) => e.id)).size).toBe(CATALOGUE.length);
  });
});
