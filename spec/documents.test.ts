import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { errorCodes } from './error-codes.js';
import { buildApiDocument, buildControlDocument, toYaml } from './documents.js';

const committed = (name: string) => readFileSync(fileURLToPath(new URL(name, import.meta.url)), 'utf8');

describe('the committed OpenAPI documents', () => {
  it('spec/openapi.yaml equals what the code generates (run `npm run spec:emit` after changing spec/)', () => {
    expect(committed('./openapi.yaml')).toBe(toYaml(buildApiDocument()));
  });

  it('spec/control-openapi.yaml equals what the code generates', () => {
    expect(committed('./control-openapi.yaml')).toBe(toYaml(buildControlDocument()));
  });

  it('declares every error code with its status, and marks mock-only ones', () => {
    const doc = parse(committed('./openapi.yaml'));
    expect(doc.components.schemas.ErrorCode.enum.sort()).toEqual(Object.keys(errorCodes).sort());
    const purchase = doc.paths['/api/v1/purchase'].post;
    for (const status of ['200', '400', '401', '402', '403', '404', '409', '422', '429']) expect(purchase.responses).toHaveProperty(status);
    expect(purchase.responses['422']['x-mock-extension']).toBe(true);
    for (const path of ['/api/v1/balance', '/api/v1/products', '/api/v1/purchase']) {
      const op = Object.values(doc.paths[path])[0] as any;
      expect(op.operationId).toBeTruthy();
      expect(op.responses['429'].headers['Retry-After']).toBeTruthy();
    }
    expect(doc.components.securitySchemes.ApiKeyAuth).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
  });
});
