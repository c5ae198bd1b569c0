import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { errorCodes } from './error-codes.js';
import { buildApiDocument } from './documents.js';
import { generatedFiles } from './generated-files.js';

const committed = (name: string) => readFileSync(fileURLToPath(new URL(name, import.meta.url)), 'utf8');

describe('the committed generated files of spec/', async () => {
  for (const file of await generatedFiles()) {
    it(`spec/${file.path} equals what the code generates (run \`npm run spec:emit\` after changing spec/)`, () => {
      expect(committed(`./${file.path}`)).toBe(file.text);
    });
  }
});

describe('spec/openapi.yaml', () => {
  const doc = parse(committed('./openapi.yaml'));

  it('has the documented base URL in its servers and the documented paths, live API first', () => {
    expect(doc.servers.map((s: { url: string }) => s.url)).toEqual(['https://api.ai-market.store/api/v1', 'http://127.0.0.1:8080/api/v1']);
    expect(Object.keys(doc.paths).sort()).toEqual(['/balance', '/products', '/purchase']);
  });

  it('declares every error code with its status, and marks mock-only ones', () => {
    expect(doc.components.schemas.ErrorCode.enum.sort()).toEqual(Object.keys(errorCodes).sort());
    const purchase = doc.paths['/purchase'].post;
    for (const status of ['200', '400', '401', '402', '403', '404', '409', '413', '422', '429']) expect(purchase.responses).toHaveProperty(status);
    expect(purchase.responses['413']['x-mock-extension']).toBe(true);
    expect(purchase.responses['422']['x-mock-extension']).toBe(true);
    for (const path of ['/balance', '/products', '/purchase']) {
      const op = Object.values(doc.paths[path])[0] as any;
      expect(op.operationId).toBeTruthy();
      expect(op.responses['429'].headers['Retry-After']).toBeTruthy();
    }
    expect(doc.components.securitySchemes.ApiKeyAuth).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
  });

  it('names the error schema so it shadows nothing, with code and error required', () => {
    expect(doc.components.schemas).not.toHaveProperty('Error');
    expect(doc.components.schemas.ErrorResponse.required).toEqual(expect.arrayContaining(['success', 'code', 'error']));
  });

  it('states the money rule machine-readably', () => {
    expect(doc.components.schemas.UsdtAmount['x-decimal-places']).toBe(6);
  });

  it('puts the serving sandbox first in the document it serves', () => {
    const served = buildApiDocument({ sandboxOrigin: 'http://127.0.0.1:9090' });
    expect(served.servers?.map((s) => s.url)).toEqual(['http://127.0.0.1:9090/api/v1', 'https://api.ai-market.store/api/v1']);
  });
});
