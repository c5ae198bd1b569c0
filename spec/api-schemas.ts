/**
 * Zod schemas of the public API's bodies. Each `.openapi('Name')` becomes a
 * component of spec/openapi.yaml; the server validates and types with the same objects.
 */
import { z } from '@hono/zod-openapi';
import { allErrorCodes } from './error-codes.js';
import { USDT_DECIMAL_PLACES } from './money.js';

/** A USDT amount. Exact to 6 decimal places; the mock stores integer micro-units. */
export const UsdtAmount = z.number().min(0).openapi('UsdtAmount', {
  description: 'An amount of USDT as a plain JSON number with at most 6 decimal places, e.g. 12.5 or 0.1.',
  example: 12.5,
  // Machine-readable form of the rule above: validators (the contract kit's) check it, so a
  // float-rounded amount such as 0.30000000000000004 fails.
  'x-decimal-places': USDT_DECIMAL_PLACES,
});

export const BalanceResponse = z
  .object({
    balance: UsdtAmount,
    currency: z.literal('USDT'),
  })
  .openapi('BalanceResponse', { example: { balance: 100, currency: 'USDT' } });

export const Product = z
  .object({
    id: z.string().max(64).openapi({ description: 'Product id, the value to send as product_id.', example: '002' }),
    name: z.string().max(200).openapi({ example: 'Steam Gift Card 5 USD' }),
    price: UsdtAmount,
    stock: z.number().int().min(0).max(1_000_000_000).openapi({ description: 'Codes left to sell.', example: 50, format: 'int32' }),
    in_stock: z.boolean().openapi({ description: 'stock > 0' }),
  })
  .openapi('Product');

export const ProductListResponse = z
  .object({ products: z.array(Product).max(10_000) })
  .openapi('ProductListResponse', {
    example: {
      products: [
        { id: '002', name: 'Steam Gift Card 5 USD', price: 5, stock: 50, in_stock: true },
        { id: '003', name: 'Netflix 1 Month', price: 9.99, stock: 0, in_stock: false },
      ],
    },
  });

// Messages that name the rule, so a client developer can fix the request from the error alone.
const QUANTITY_RULE = 'must be a whole number (JSON integer) from 1 to 10';
const PRODUCT_ID_RULE = 'must be a non-empty string of at most 64 characters (an id from GET /products)';

export const PurchaseRequest = z
  .object({
    product_id: z
      .string({ error: PRODUCT_ID_RULE })
      .min(1, { error: PRODUCT_ID_RULE })
      .max(64, { error: PRODUCT_ID_RULE })
      .openapi({ description: 'An id from GET /products.', example: '002' }),
    quantity: z
      .number({ error: QUANTITY_RULE })
      .int({ error: QUANTITY_RULE })
      .min(1, { error: QUANTITY_RULE })
      .max(10, { error: QUANTITY_RULE })
      .openapi({ description: 'Whole number of codes, 1 to 10.', example: 1, format: 'int32' }),
  })
  .openapi('PurchaseRequest', { example: { product_id: '002', quantity: 1 } });

export const PurchaseResponse = z
  .object({
    success: z.literal(true),
    order_id: z.string().max(64).openapi({ example: 'ord_9f2c4e1a7b3d4c55' }),
    codes: z
      .array(z.string().max(200))
      .min(1)
      .max(10)
      .openapi({ description: 'One code per unit bought; a code is never delivered twice.' }),
    balance_remaining: UsdtAmount,
  })
  .openapi('PurchaseResponse', {
    example: {
      success: true,
      order_id: 'ord_9f2c4e1a7b3d4c55',
      codes: ['SBX-002-7K3Q-9XW2-M4TD'],
      balance_remaining: 95,
    },
  });

/**
 * `Idempotency-Key` header. The server checks it with this schema in its own stage,
 * after the body (server/middleware/idempotency-key.ts).
 */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x20-\x7E]+$/, 'must be printable ASCII')
  .openapi({ description: 'Any unique id, 1-255 printable ASCII characters.', example: 'order-001' });

export const ErrorCodeSchema = z.enum(allErrorCodes).openapi('ErrorCode', {
  description:
    'Stable code to branch on. IDEMPOTENCY_KEY_REUSED, NOT_FOUND, METHOD_NOT_ALLOWED, PAYLOAD_TOO_LARGE and the 5xx codes ' +
    '(INTERNAL_ERROR, UPSTREAM_ERROR, SERVICE_UNAVAILABLE, UPSTREAM_TIMEOUT) are mock extensions, and so are the answers of ' +
    'the HTTP layer before any route (BAD_REQUEST, REQUEST_TIMEOUT, HEADERS_TOO_LARGE): the live documentation does not promise them.',
});

export const ErrorBody = z
  .object({
    success: z.literal(false),
    code: ErrorCodeSchema,
    error: z.string().max(1000).openapi({ description: 'Human-readable message.' }),
  })
  // Not 'Error': generated TypeScript clients would shadow the built-in Error class.
  .openapi('ErrorResponse');

const errorOf = <C extends string>(name: string, codes: readonly [C, ...C[]], example: Record<string, unknown>) =>
  ErrorBody.extend({ code: z.enum(codes) }).openapi(name, { example: { success: false, ...example } });

export const ValidationError = ErrorBody.extend({
  code: z.enum(['VALIDATION']),
  details: z
    .array(z.object({ path: z.string().max(200), message: z.string().max(1000) }))
    .max(50)
    .optional()
    .openapi({ description: 'One entry per invalid field.' }),
}).openapi('ValidationError', {
  example: {
    success: false,
    code: 'VALIDATION',
    error: 'quantity: must be a whole number from 1 to 10',
    details: [{ path: 'quantity', message: 'must be a whole number from 1 to 10' }],
  },
});

export const UnauthorizedError = errorOf('UnauthorizedError', ['NO_KEY', 'INVALID_KEY'], {
  code: 'INVALID_KEY',
  error: 'The API key is unknown or revoked. Generate a new one in the bot.',
});

export const InsufficientBalanceError = ErrorBody.extend({
  code: z.enum(['INSUFFICIENT_BALANCE']),
  required: UsdtAmount,
  available: UsdtAmount,
}).openapi('InsufficientBalanceError', {
  example: { success: false, code: 'INSUFFICIENT_BALANCE', error: 'Insufficient balance: 10 USDT required, 0.5 available.', required: 10, available: 0.5 },
});

export const ForbiddenError = errorOf('ForbiddenError', ['FORBIDDEN'], {
  code: 'FORBIDDEN',
  error: 'This account is suspended. Contact support.',
});

export const ProductNotFoundError = errorOf('ProductNotFoundError', ['PRODUCT_NOT_FOUND'], {
  code: 'PRODUCT_NOT_FOUND',
  error: 'No product with id "999". Re-fetch /products.',
});

export const OutOfStockError = ErrorBody.extend({
  code: z.enum(['OUT_OF_STOCK']),
  requested: z.number().int().min(1).max(10).openapi({ format: 'int32' }),
  stock: z.number().int().min(0).max(1_000_000_000).openapi({ format: 'int32' }),
}).openapi('OutOfStockError', {
  example: { success: false, code: 'OUT_OF_STOCK', error: 'Only 0 left of product "003", 1 requested.', requested: 1, stock: 0 },
});

export const IdempotencyKeyReusedError = errorOf('IdempotencyKeyReusedError', ['IDEMPOTENCY_KEY_REUSED'], {
  code: 'IDEMPOTENCY_KEY_REUSED',
  error: 'Idempotency-Key "order-001" was already used with a different body.',
});

export const RateLimitedError = ErrorBody.extend({
  code: z.enum(['RATE_LIMITED']),
  retry_after_seconds: z.number().int().min(1).max(86400).openapi({ format: 'int32' }),
  limit_scope: z.enum(['key', 'failed_auth_address']).optional().openapi({
    description:
      'Mock extension: which limit refused the request. key: this key made too many requests. failed_auth_address: ' +
      'too many wrong keys came from this client address; until the window frees, only keys that already authenticated ' +
      'from it are accepted.',
    'x-mock-extension': true,
  }),
}).openapi('RateLimitedError', {
  example: { success: false, code: 'RATE_LIMITED', error: 'Rate limit exceeded: 20 requests per 60 s. Retry in 12 s.', retry_after_seconds: 12 },
});

/** The 5xx answers of the mock's fault rules: one code per status, so a client can branch on either. */
export const InternalError = errorOf('InternalError', ['INTERNAL_ERROR'], {
  code: 'INTERNAL_ERROR',
  error: 'Internal server error (sandbox fault rule 3).',
});

export const UpstreamError = errorOf('UpstreamError', ['UPSTREAM_ERROR'], {
  code: 'UPSTREAM_ERROR',
  error: 'Bad gateway: no valid answer from the upstream server (sandbox fault rule 3).',
});

export const ServiceUnavailableError = errorOf('ServiceUnavailableError', ['SERVICE_UNAVAILABLE'], {
  code: 'SERVICE_UNAVAILABLE',
  error: 'Service unavailable, try again shortly (sandbox fault rule 3).',
});

export const UpstreamTimeoutError = errorOf('UpstreamTimeoutError', ['UPSTREAM_TIMEOUT'], {
  code: 'UPSTREAM_TIMEOUT',
  error: 'Gateway timeout: the upstream server did not answer in time (sandbox fault rule 3).',
});

export const PayloadTooLargeError = errorOf('PayloadTooLargeError', ['PAYLOAD_TOO_LARGE'], {
  code: 'PAYLOAD_TOO_LARGE',
  error: 'The request body is over 16384 bytes; a purchase body is a few dozen.',
});
