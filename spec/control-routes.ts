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
  ReportQuery,
  ReportView,
  RevokeKeyRequest,
  Settings,
  SettingsPatch,
  StateView,
  TopUpRequest,
} from './control-schemas.js';
import { FaultRuleInput, FaultRuleList, FaultRuleView } from './fault-schemas.js';
import { JournalList, JournalQuery, JournalStreamQuery } from './journal-schemas.js';

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
  summary: 'Reset to the fixture',
  description:
    'Drops every account, product, order, idempotency record, rate window and journal entry, reloads the fixture the mock started with ' +
    '(its fault rules replace those added through the API; those from the configuration start over), and sets the clock back to real time.',
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

const faultId = z.object({
  id: z.string().max(10).regex(/^[1-9][0-9]{0,9}$/, 'must be a fault rule id (a whole number)').openapi({ param: { name: 'id', in: 'path' }, example: '1' }),
});

export const createFaultRoute = createRoute({
  method: 'post', path: '/faults', operationId: 'createFault', tags: ['Faults'],
  summary: 'Add a fault rule',
  description:
    'From now on, matching requests of the public API get the fault: a delay, a 5xx answer, a closed or reset connection, a hang, ' +
    'or, for purchases, the purchase committed and then the answer lost. Rules are tried in id order; the first that fires applies.',
  request: { body: body(FaultRuleInput) },
  responses: { 201: json(FaultRuleView, 'The rule as stored, with its seed and counters.'), ...tooLarge, ...errors },
});

export const listFaultsRoute = createRoute({
  method: 'get', path: '/faults', operationId: 'listFaults', tags: ['Faults'],
  summary: 'List the fault rules', description: 'Every rule, with how many matching requests it saw and how often it fired.',
  responses: { 200: json(FaultRuleList, 'The rules, in the order they are tried.'), ...errors },
});

export const deleteFaultRoute = createRoute({
  method: 'delete', path: '/faults/{id}', operationId: 'deleteFault', tags: ['Faults'],
  summary: 'Remove a fault rule', description: 'Requests are no longer matched against it.',
  request: { params: faultId },
  responses: { 200: json(FaultRuleView, 'The rule that was removed.'), 404: json(ControlError, 'FAULT_NOT_FOUND: no such rule.'), ...errors },
});

export const clearFaultsRoute = createRoute({
  method: 'delete', path: '/faults', operationId: 'clearFaults', tags: ['Faults'],
  summary: 'Remove every fault rule', description: 'Those from the configuration and the fixture too (a reset brings those back).',
  responses: { 200: json(OkResponse, 'Done.'), ...errors },
});

export const getJournalRoute = createRoute({
  method: 'get', path: '/journal', operationId: 'getJournal', tags: ['Journal'],
  summary: 'Read the request journal',
  description: 'Every request to /api/v1 with its answer (errors, routing errors and faults included), newest first; the query narrows it.',
  request: { query: JournalQuery },
  responses: { 200: json(JournalList, 'The entries.'), ...errors },
});

export const streamJournalRoute = createRoute({
  method: 'get', path: '/journal/stream', operationId: 'streamJournal', tags: ['Journal'],
  summary: 'Follow the request journal (server-sent events)',
  description:
    'An event stream: first `event: ready`, then one `event: entry` (id = the entry id, data = a JournalEntry as JSON) for each new ' +
    'request, also those served by other processes on the same database file.',
  request: { query: JournalStreamQuery },
  responses: {
    200: {
      description: 'The event stream; it ends when the client disconnects.',
      content: { 'text/event-stream': { schema: z.string().max(100_000_000).openapi({ example: 'event: entry\nid: 42\ndata: {"id":42,...}\n\n' }) } },
    },
    ...errors,
  },
});

export const clearJournalRoute = createRoute({
  method: 'delete', path: '/journal', operationId: 'clearJournal', tags: ['Journal'],
  summary: 'Empty the request journal', description: 'Entry ids keep increasing afterwards. POST /reset empties it too.',
  responses: { 200: json(OkResponse, 'Done.'), ...errors },
});

export const getReportRoute = createRoute({
  method: 'get', path: '/report', operationId: 'getReport', tags: ['Journal'],
  summary: 'Judge the integration from its request journal',
  description:
    'What the client whose requests the journal holds would do wrong with real money on the live API: purchases without an ' +
    'Idempotency-Key, failed purchases retried with another key, requests before retry_after_seconds, more than the live 20 ' +
    'requests per 60 s, requests repeated after an error no retry can fix, one key for two purchases; the checks it passed; ' +
    'and the documented error codes it met and never met. As JSON, text for a terminal, or JUnit XML for CI.',
  request: { query: ReportQuery },
  responses: {
    200: {
      description: 'The report, in the format asked for.',
      content: {
        'application/json': { schema: ReportView },
        'text/plain': { schema: z.string().max(10_000_000).openapi({ example: 'Integration report: 1 error, 0 warnings, 0 info; 0 passes\n...' }) },
        'application/xml': { schema: z.string().max(10_000_000).openapi({ example: '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ...' }) },
      },
    },
    ...errors,
  },
});

export const controlRoutes = [
  getStateRoute, createAccountRoute, createKeyRoute, revokeKeyRoute, suspendAccountRoute, reactivateAccountRoute,
  topUpRoute, putProductRoute, addCodesRoute, resetRoute, loadFixtureRoute, getClockRoute, advanceClockRoute,
  getSettingsRoute, patchSettingsRoute,
  createFaultRoute, listFaultsRoute, deleteFaultRoute, clearFaultsRoute, getJournalRoute, streamJournalRoute, clearJournalRoute,
  getReportRoute,
] as const;
