/**
 * The control API (mock only): what the live service does in its Telegram bot,
 * plus what tests need. Served under /_mock, described in spec/control-openapi.yaml.
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  AccountView,
  AddCodesRequest,
  AdvanceClockRequest,
  ClockView,
  ControlError,
  CreateAccountRequest,
  Fixture,
  NewKeyResponse,
  OkResponse,
  ProductView,
  PutProductRequest,
  RevokeKeyRequest,
  Settings,
  SettingsPatch,
  StateView,
  TopUpRequest,
} from './control-schemas.js';

export const CONTROL_PREFIX = '/_mock';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

const errors = {
  400: json(ControlError, 'CONTROL_VALIDATION: the body or a parameter is invalid; details name the fields.'),
  401: json(ControlError, 'CONTROL_UNAUTHORIZED: the control API is locked with a token and the Authorization header is missing or wrong.'),
  429: {
    ...json(
      ControlError,
      'CONTROL_RATE_LIMITED: too many wrong tokens from this client address; until the window frees (retry_after_seconds, Retry-After), ' +
        'only a token that already worked from this address is accepted.',
    ),
    headers: z.object({ 'Retry-After': z.string().max(6).regex(/^[1-9][0-9]{0,5}$/).openapi({ description: 'Seconds to wait.', example: '12' }) }),
  },
};
/** Routes that take a body: one over the limit is refused before it is read. */
const tooLarge = { 413: json(ControlError, 'PAYLOAD_TOO_LARGE: the body is over 8 MiB; sent with Connection: close when the body was not read.') };
const notFound = { 404: json(ControlError, 'ACCOUNT_NOT_FOUND or KEY_NOT_FOUND.') };

const accountId = z.object({
  id: z.string().max(64).regex(/^[A-Za-z0-9_.-]{1,64}$/).openapi({ param: { name: 'id', in: 'path' }, example: 'alice' }),
});
const productId = z.object({
  id: z.string().max(64).regex(/^[A-Za-z0-9_.-]{1,64}$/).openapi({ param: { name: 'id', in: 'path' }, example: '002' }),
});

export const getStateRoute = createRoute({
  method: 'get', path: '/state', operationId: 'getState', tags: ['Sandbox'],
  summary: 'Read the whole sandbox state', description: 'Clock, settings, accounts with balances, products with stock, and orders.',
  responses: { 200: json(StateView, 'The state.'), ...errors },
});

export const createAccountRoute = createRoute({
  method: 'post', path: '/accounts', operationId: 'createAccount', tags: ['Accounts'],
  summary: 'Create an account with a new key', description: 'Like signing up in the bot and pressing Generate. The key is returned once.',
  request: { body: body(CreateAccountRequest) },
  responses: { 201: json(NewKeyResponse, 'The account and its key.'), 409: json(ControlError, 'ACCOUNT_EXISTS: the id or key is taken.'), ...tooLarge, ...errors },
});

export const createKeyRoute = createRoute({
  method: 'post', path: '/accounts/{id}/keys', operationId: 'createKey', tags: ['Accounts'],
  summary: 'Generate another key for an account', description: 'Like API -> Generate in the bot.',
  request: { params: accountId },
  responses: { 201: json(NewKeyResponse, 'The new key.'), ...notFound, ...errors },
});

export const revokeKeyRoute = createRoute({
  method: 'post', path: '/keys/revoke', operationId: 'revokeKey', tags: ['Accounts'],
  summary: 'Revoke a key', description: 'Requests with it then get 401 INVALID_KEY.',
  request: { body: body(RevokeKeyRequest) },
  responses: { 200: json(AccountView, 'The account the key belonged to.'), ...notFound, ...tooLarge, ...errors },
});

const accountAction = (action: 'suspend' | 'reactivate', summary: string, description: string) =>
  createRoute({
    method: 'post', path: `/accounts/{id}/${action}`, operationId: `${action}Account`, tags: ['Accounts'],
    summary, description,
    request: { params: accountId },
    responses: { 200: json(AccountView, 'The account.'), ...notFound, ...errors },
  });

export const suspendAccountRoute = accountAction('suspend', 'Suspend an account', 'Every request with its keys then gets 403 FORBIDDEN.');
export const reactivateAccountRoute = accountAction('reactivate', 'Reactivate a suspended account', 'Its keys work again.');

export const topUpRoute = createRoute({
  method: 'post', path: '/accounts/{id}/top-up', operationId: 'topUpAccount', tags: ['Accounts'],
  summary: 'Top up a wallet', description: 'Adds the amount (USDT) to the balance, like a deposit in the bot.',
  request: { params: accountId, body: body(TopUpRequest) },
  responses: { 200: json(AccountView, 'The account with its new balance.'), ...notFound, ...tooLarge, ...errors },
});

export const putProductRoute = createRoute({
  method: 'put', path: '/products/{id}', operationId: 'putProduct', tags: ['Products'],
  summary: 'Add or change a product',
  description: 'Creates the product or changes its name and price. With stock or codes, its unsold codes are replaced; without, they stay.',
  request: { params: productId, body: body(PutProductRequest) },
  responses: { 200: json(ProductView, 'The product.'), 409: json(ControlError, 'CODE_EXISTS: one of the codes is already in the store.'), ...tooLarge, ...errors },
});

export const addCodesRoute = createRoute({
  method: 'post', path: '/products/{id}/codes', operationId: 'addCodes', tags: ['Products'],
  summary: 'Restock a product', description: 'Adds count new random codes, or the given codes.',
  request: { params: productId, body: body(AddCodesRequest) },
  responses: {
    200: json(ProductView, 'The product with its new stock.'),
    404: json(ControlError, 'PRODUCT_NOT_FOUND: no such product.'),
    409: json(ControlError, 'CODE_EXISTS: one of the codes is already in the store.'),
    ...tooLarge, ...errors,
  },
});

export const resetRoute = createRoute({
  method: 'post', path: '/reset', operationId: 'reset', tags: ['Sandbox'],
  summary: 'Reset to the fixture', description: 'Drops every account, product, order, idempotency record and rate window, reloads the fixture the mock started with, and sets the clock back to real time.',
  responses: { 200: json(OkResponse, 'Done.'), ...errors },
});

export const loadFixtureRoute = createRoute({
  method: 'post', path: '/fixtures', operationId: 'loadFixture', tags: ['Sandbox'],
  summary: 'Replace the state with another fixture', description: 'Like reset, with the fixture in the body (the format of fixtures/default.json). Later resets return to this fixture.',
  request: { body: body(Fixture) },
  responses: { 200: json(OkResponse, 'Loaded.'), ...tooLarge, ...errors },
});

export const getClockRoute = createRoute({
  method: 'get', path: '/clock', operationId: 'getClock', tags: ['Sandbox'],
  summary: 'Read the virtual clock', description: 'Rate windows and idempotency expiry follow this clock.',
  responses: { 200: json(ClockView, 'The clock.'), ...errors },
});

export const advanceClockRoute = createRoute({
  method: 'post', path: '/clock/advance', operationId: 'advanceClock', tags: ['Sandbox'],
  summary: 'Move the virtual clock forward', description: 'E.g. 61 seconds to leave a rate window, 86401 to expire idempotency keys.',
  request: { body: body(AdvanceClockRequest) },
  responses: { 200: json(ClockView, 'The clock after the move.'), ...tooLarge, ...errors },
});

export const getSettingsRoute = createRoute({
  method: 'get', path: '/settings', operationId: 'getSettings', tags: ['Sandbox'],
  summary: 'Read the behaviour settings', description: 'Rate limit, window, and what a reused Idempotency-Key gets.',
  responses: { 200: json(Settings, 'The settings.'), ...errors },
});

export const patchSettingsRoute = createRoute({
  method: 'patch', path: '/settings', operationId: 'changeSettings', tags: ['Sandbox'],
  summary: 'Change behaviour settings', description: 'Until the next restart; reset keeps them.',
  request: { body: body(SettingsPatch) },
  responses: { 200: json(Settings, 'The settings after the change.'), ...tooLarge, ...errors },
});

export const controlRoutes = [
  getStateRoute, createAccountRoute, createKeyRoute, revokeKeyRoute, suspendAccountRoute, reactivateAccountRoute,
  topUpRoute, putProductRoute, addCodesRoute, resetRoute, loadFixtureRoute, getClockRoute, advanceClockRoute,
  getSettingsRoute, patchSettingsRoute,
] as const;
