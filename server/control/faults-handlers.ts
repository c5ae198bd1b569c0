/** Control API: fault rules (add, list, remove one, remove all). */
import type { RouteHandler } from '@hono/zod-openapi';
import type { clearFaultsRoute, createFaultRoute, deleteFaultRoute, listFaultsRoute } from '../../spec/control-routes.js';
import type { AppDeps } from '../app-env.js';
import { controlErrors } from '../errors.js';
import { faultRuleView } from './fault-views.js';

export const createFaultHandler =
  ({ store, clock }: AppDeps): RouteHandler<typeof createFaultRoute> =>
  (c) => {
    const outcome = store.faults.add(c.req.valid('json'), 'api', clock.now());
    if (outcome.kind === 'refused') throw controlErrors.validation([{ path: outcome.path, message: outcome.message }]);
    return c.json(faultRuleView(outcome.rule), 201);
  };

export const listFaultsHandler =
  ({ store }: AppDeps): RouteHandler<typeof listFaultsRoute> =>
  (c) =>
    c.json({ faults: store.faults.list().map(faultRuleView) }, 200);

export const deleteFaultHandler =
  ({ store }: AppDeps): RouteHandler<typeof deleteFaultRoute> =>
  (c) => {
    const id = Number(c.req.valid('param').id);
    const rule = store.faults.get(id);
    if (!rule || !store.faults.remove(id)) throw controlErrors.faultNotFound(id);
    return c.json(faultRuleView(rule), 200);
  };

export const clearFaultsHandler =
  ({ store }: AppDeps): RouteHandler<typeof clearFaultsRoute> =>
  (c) => {
    const removed = store.faults.removeAll();
    return c.json({ ok: true as const, message: `Removed ${removed} fault rule${removed === 1 ? '' : 's'}.` }, 200);
  };
