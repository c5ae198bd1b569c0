/**
 * The sweep: every operation and every documented answer (status and error code) in
 * spec/openapi.yaml is covered by some case's `covers`, and no case claims anything the spec does
 * not have. A new route or error code in the spec fails here until a case covers it.
 */
import { describe, expect, it } from 'vitest';
import { CASES } from './cases/index.js';
import { outcomeKey } from './lib/contract-case.js';
import { PUBLIC_SPEC_PATH } from './lib/settings.js';
import { SpecValidator } from './lib/spec-validator.js';

const spec = SpecValidator.fromFile(PUBLIC_SPEC_PATH);
const covered = new Set(CASES.flatMap((c) => c.covers.map(outcomeKey)));

/** Every (operation, status, code) the spec declares; success answers have no code. */
const declared = spec.operations().flatMap((op) =>
  op.responses.flatMap((r) =>
    r.codes.length === 0
      ? [outcomeKey({ operation: op.operationId, status: Number(r.status) })]
      : r.codes.map((code) => outcomeKey({ operation: op.operationId, status: Number(r.status), code })),
  ),
);

describe('sweep: the spec has a case for everything', () => {
  it('every operation in spec/openapi.yaml has a case', () => {
    const missing = spec.operations().filter((op) => !CASES.some((c) => c.covers.some((o) => o.operation === op.operationId)));
    expect(missing.map((op) => `${op.operationId} (${op.method} ${op.path})`)).toEqual([]);
  });

  it('every declared status and error code of every operation has a case', () => {
    expect(declared.filter((key) => !covered.has(key))).toEqual([]);
  });

  it('every documented error code (ErrorCode) has a case', () => {
    const codes = spec.enumOf('ErrorCode');
    expect(codes.length).toBeGreaterThan(0);
    const coveredCodes = new Set<string | undefined>(CASES.flatMap((c) => c.covers.map((o) => o.code)));
    expect(codes.filter((code) => !coveredCodes.has(code))).toEqual([]);
  });

  it('no case claims anything the spec does not declare', () => {
    const known = new Set(declared);
    const codes = new Set(spec.enumOf('ErrorCode'));
    const stale = CASES.flatMap((c) =>
      c.covers
        .filter((o) => (o.operation === '*' ? !o.code || !codes.has(o.code) : !known.has(outcomeKey(o))))
        .map((o) => `${c.id}: ${outcomeKey(o)}`),
    );
    expect(stale).toEqual([]);
  });

  it('every case has its own id and covers something', () => {
    const ids = CASES.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(CASES.filter((c) => c.covers.length === 0).map((c) => c.id)).toEqual([]);
  });
});
