/**
 * The three operations of the public API, as route definitions. The server
 * registers handlers for exactly these; spec/emit.ts turns them into spec/openapi.yaml.
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  BalanceResponse,
  ForbiddenError,
  IdempotencyKey,
  IdempotencyKeyReusedError,
  InsufficientBalanceError,
  InternalError,
  OutOfStockError,
  PayloadTooLargeError,
  ProductListResponse,
  ProductNotFoundError,
  PurchaseRequest,
  PurchaseResponse,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthorizedError,
  UpstreamError,
  UpstreamTimeoutError,
  ValidationError,
} from './api-schemas.js';

/** Path prefix of the public API, on the live host and on the mock alike. */
export const API_PREFIX = '/api/v1';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const retryAfterHeader = z.object({
  'Retry-After': z
    .string()
    .max(6)
    .regex(/^[1-9][0-9]{0,5}$/)
    .openapi({ description: 'Seconds to wait, the same value as retry_after_seconds.', example: '12' }),
});

/** The sandbox's fault rules (mock only): what a failing server or a gateway in front of it answers. */
const faultErrors = {
  500: { ...json(InternalError, 'Mock extension. INTERNAL_ERROR: a fault rule (or a bug in the mock).'), 'x-mock-extension': true },
  502: { ...json(UpstreamError, 'Mock extension. UPSTREAM_ERROR: a fault rule (a gateway got no valid answer).'), 'x-mock-extension': true },
  503: { ...json(ServiceUnavailableError, 'Mock extension. SERVICE_UNAVAILABLE: a fault rule.'), 'x-mock-extension': true },
  504: { ...json(UpstreamTimeoutError, 'Mock extension. UPSTREAM_TIMEOUT: a fault rule (a gateway gave up waiting).'), 'x-mock-extension': true },
} as const;

/** Answers every operation can give: bad key, suspended account, rate limit, and the fault rules' 5xx. */
const commonErrors = {
  401: json(UnauthorizedError, 'NO_KEY: the X-API-Key header is missing. INVALID_KEY: the key is unknown, malformed or revoked.'),
  403: json(ForbiddenError, 'FORBIDDEN: the account is suspended.'),
  429: {
    ...json(RateLimitedError, 'RATE_LIMITED: over 20 requests per rolling minute for this key. Wait retry_after_seconds.'),
    headers: retryAfterHeader,
  },
  ...faultErrors,
} as const;

export const getBalanceRoute = createRoute({
  method: 'get',
  path: '/balance',
  operationId: 'getBalance',
  tags: ['Wallet'],
  summary: 'Read the wallet balance',
  description: 'The prepaid USDT balance that purchases are charged against.',
  responses: {
    200: json(BalanceResponse, 'The balance.'),
    ...commonErrors,
  },
});

export const listProductsRoute = createRoute({
  method: 'get',
  path: '/products',
  operationId: 'listProducts',
  tags: ['Catalogue'],
  summary: 'List products with price and stock',
  description: 'Every product, with its price in USDT and the number of codes left.',
  responses: {
    200: json(ProductListResponse, 'The catalogue.'),
    ...commonErrors,
  },
});

export const purchaseRoute = createRoute({
  method: 'post',
  path: '/purchase',
  operationId: 'purchase',
  tags: ['Orders'],
  summary: 'Buy codes of one product',
  description:
    'Charges price x quantity to the wallet and returns one code per unit, atomically. ' +
    'With an Idempotency-Key, a retry within 24 hours returns the original result and charges nothing.',
  request: {
    headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }),
    body: { required: true, content: { 'application/json': { schema: PurchaseRequest } } },
  },
  responses: {
    200: {
      ...json(PurchaseResponse, 'The order, with its codes.'),
      headers: z.object({
        'Idempotent-Replayed': z.enum(['true']).optional().openapi({
          description: 'Mock extension: present when this answer is a replay of an earlier purchase with the same Idempotency-Key.',
          'x-mock-extension': true,
        }),
      }),
    },
    400: json(ValidationError, 'VALIDATION: the body is not a JSON object with product_id and quantity 1-10, or the Idempotency-Key is invalid.'),
    402: json(InsufficientBalanceError, 'INSUFFICIENT_BALANCE: the wallet is too low; required and available say by how much.'),
    404: json(ProductNotFoundError, 'PRODUCT_NOT_FOUND: no product has this id.'),
    409: json(OutOfStockError, 'OUT_OF_STOCK: fewer codes left than requested.'),
    413: {
      ...json(PayloadTooLargeError, 'Mock extension. PAYLOAD_TOO_LARGE: the body is over 16 KiB; sent with Connection: close when the body was not read.'),
      'x-mock-extension': true,
    },
    422: {
      ...json(IdempotencyKeyReusedError, 'Mock extension. IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used before with another body.'),
      'x-mock-extension': true,
    },
    ...commonErrors,
  },
});

export const apiRoutes = [getBalanceRoute, listProductsRoute, purchaseRoute] as const;
