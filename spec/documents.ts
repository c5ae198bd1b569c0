/**
 * Builds the OpenAPI 3.1 documents from the route definitions. Used by
 * spec/emit.ts (writes the YAML files), by the drift test, and by the server
 * (serves them at /openapi.yaml and /_mock/openapi.yaml).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { stringify } from 'yaml';
import { API_PREFIX, apiRoutes } from './api-routes.js';
import { controlRoutes, CONTROL_PREFIX } from './control-routes.js';

export const SPEC_VERSION = '1.0.0';

/** The live API's base URL, exactly as its documentation gives it. */
export const LIVE_API_BASE_URL = `https://api.ai-market.store${API_PREFIX}`;
/** The sandbox's default base URL (npm start on the default port). */
export const LOCAL_API_BASE_URL = `http://127.0.0.1:8080${API_PREFIX}`;

/**
 * The public API's document. Paths are `/balance`, `/products`, `/purchase` and every
 * server URL ends in `/api/v1`, as the documentation says it, so a generated client
 * takes the documented base URL unchanged. `sandboxOrigin` (e.g. `http://127.0.0.1:9090`)
 * puts that sandbox first, so a client generated from the served document talks to it by default.
 */
export function buildApiDocument(options: { sandboxOrigin?: string } = {}) {
  const registry = new OpenAPIHono();
  registry.openAPIRegistry.registerComponent('securitySchemes', 'ApiKeyAuth', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'Your API key (mk_...), generated in the store\'s Telegram bot. Sandbox keys are mk_test_*.',
  });
  for (const route of apiRoutes) registry.openAPIRegistry.registerPath(route);
  const document = registry.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'AI-Market API',
      version: SPEC_VERSION,
      description:
        'Buy digital goods (gift and activation codes) with a prepaid USDT wallet. ' +
        'Every error is JSON {success: false, code, error}. Rate limit: 20 requests per minute per key. ' +
        'Parts marked x-mock-extension are answered by the AI-Market sandbox only; the live API does not promise them.',
      contact: { name: 'AI-Market sandbox', url: 'https://api.ai-market.store' },
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    servers: options.sandboxOrigin
      ? [
          { url: `${options.sandboxOrigin}${API_PREFIX}`, description: 'This sandbox (the server that served this document)', 'x-internal': true },
          { url: LIVE_API_BASE_URL, description: 'Production: the live API (real money)', 'x-internal': false },
        ]
      : [
          { url: LIVE_API_BASE_URL, description: 'Production: the live API (real money)', 'x-internal': false },
          { url: LOCAL_API_BASE_URL, description: 'Local sandbox (npm start)', 'x-internal': true },
        ],
    security: [{ ApiKeyAuth: [] }],
    tags: [
      { name: 'Wallet', description: 'The prepaid USDT balance.' },
      { name: 'Catalogue', description: 'Products, prices and stock.' },
      { name: 'Orders', description: 'Purchases.' },
    ],
  });
  return document;
}

/** The control API's document; `sandboxOrigin` makes the serving sandbox its server. */
export function buildControlDocument(options: { sandboxOrigin?: string } = {}) {
  const registry = new OpenAPIHono().basePath(CONTROL_PREFIX);
  registry.openAPIRegistry.registerComponent('securitySchemes', 'ControlToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'Needed only when the mock was started with AI_MARKET_MOCK_CONTROL_TOKEN.',
  });
  for (const route of controlRoutes) registry.openAPIRegistry.registerPath(route);
  return registry.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'AI-Market sandbox control API (mock only)',
      version: SPEC_VERSION,
      description:
        'Mock only: does what the live service does in its Telegram bot (keys, top-ups, suspension) plus what tests need ' +
        '(reset, fixtures, stock, a virtual clock, state). Not part of the AI-Market API.',
      contact: { name: 'AI-Market sandbox', url: 'http://127.0.0.1:8080' },
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    servers: [
      options.sandboxOrigin
        ? { url: options.sandboxOrigin, description: 'This sandbox (the server that served this document)', 'x-internal': true }
        : { url: 'http://127.0.0.1:8080', description: 'Local sandbox', 'x-internal': true },
    ],
    security: [{ ControlToken: [] }],
    tags: [
      { name: 'Accounts', description: 'Accounts, keys and wallets.' },
      { name: 'Products', description: 'Products, prices, stock and codes.' },
      { name: 'Sandbox', description: 'Reset, fixtures, clock, settings and state.' },
      { name: 'Faults', description: 'Fault rules: rehearse gateways that fail, connections that drop and answers that never come.' },
      { name: 'Journal', description: 'Every request to /api/v1 and its answer.' },
    ],
  });
}

export const toYaml = (document: object) =>
  '# Generated by `npm run spec:emit` from spec/*.ts. Do not edit by hand.\n' + stringify(document, { aliasDuplicateObjects: false });
