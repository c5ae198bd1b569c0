/** The control API under /_mock (mock only), locked by a bearer token when one is configured. */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import * as routes from '../../spec/control-routes.js';
import type { AppDeps } from '../app-env.js';
import { controlErrors, zodDetails } from '../errors.js';
import { controlAuth } from '../middleware/control-auth.js';
import { freshCaches } from '../middleware/fresh-caches.js';
import * as accounts from './accounts-handlers.js';
import * as faults from './faults-handlers.js';
import * as journal from './journal-handlers.js';
import * as products from './products-handlers.js';
import * as report from './report-handlers.js';
import * as sandbox from './sandbox-handlers.js';

/** Fixtures with thousands of codes come through here; anything larger belongs in a fixture file. */
export const MAX_CONTROL_BODY_BYTES = 8 * 1024 * 1024;

export function createControlApp(deps: AppDeps) {
  const control = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw controlErrors.validation(zodDetails(result.error));
    },
  });
  control.use('*', freshCaches(deps));
  control.use('*', controlAuth(deps));
  control.use(
    '*',
    bodyLimit({
      maxSize: MAX_CONTROL_BODY_BYTES,
      // 413 with Connection: close, like the public API's body stage (middleware/json-body.ts).
      onError: () => {
        throw controlErrors.payloadTooLarge(MAX_CONTROL_BODY_BYTES);
      },
    }),
  );
  return control
    .openapi(routes.getStateRoute, sandbox.getStateHandler(deps))
    .openapi(routes.createAccountRoute, accounts.createAccountHandler(deps))
    .openapi(routes.createKeyRoute, accounts.createKeyHandler(deps))
    .openapi(routes.revokeKeyRoute, accounts.revokeKeyHandler(deps))
    .openapi(routes.suspendAccountRoute, accounts.suspendAccountHandler(deps))
    .openapi(routes.reactivateAccountRoute, accounts.reactivateAccountHandler(deps))
    .openapi(routes.topUpRoute, accounts.topUpHandler(deps))
    .openapi(routes.putProductRoute, products.putProductHandler(deps))
    .openapi(routes.addCodesRoute, products.addCodesHandler(deps))
    .openapi(routes.resetRoute, sandbox.resetHandler(deps))
    .openapi(routes.loadFixtureRoute, sandbox.loadFixtureHandler(deps))
    .openapi(routes.getClockRoute, sandbox.getClockHandler(deps))
    .openapi(routes.advanceClockRoute, sandbox.advanceClockHandler(deps))
    .openapi(routes.getSettingsRoute, sandbox.getSettingsHandler(deps))
    .openapi(routes.patchSettingsRoute, sandbox.patchSettingsHandler(deps))
    .openapi(routes.createFaultRoute, faults.createFaultHandler(deps))
    .openapi(routes.listFaultsRoute, faults.listFaultsHandler(deps))
    .openapi(routes.deleteFaultRoute, faults.deleteFaultHandler(deps))
    .openapi(routes.clearFaultsRoute, faults.clearFaultsHandler(deps))
    .openapi(routes.getJournalRoute, journal.getJournalHandler(deps))
    .openapi(routes.streamJournalRoute, journal.streamJournalHandler(deps))
    .openapi(routes.clearJournalRoute, journal.clearJournalHandler(deps))
    .openapi(routes.getReportRoute, report.getReportHandler(deps));
}
