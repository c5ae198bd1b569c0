/** Control API: reset, fixtures, the virtual clock, settings and the state view. */
import type { RouteHandler } from '@hono/zod-openapi';
import type {
  advanceClockRoute,
  getClockRoute,
  getSettingsRoute,
  getStateRoute,
  loadFixtureRoute,
  patchSettingsRoute,
  resetRoute,
} from '../../spec/control-routes.js';
import type { AppDeps } from '../app-env.js';
import { controlErrors } from '../errors.js';
import { RefusedRule } from '../store/faults-store.js';
import { clockView, stateView } from './views.js';

/**
 * Runs a write that puts a fixture's state in place (a load, or a reset to the stored fixture):
 * a fault rule the store refuses (a key_prefix that is a whole key) is a 400 naming it.
 */
function applyingFixture<T>(write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (!(error instanceof RefusedRule)) throw error;
    throw controlErrors.validation([{ path: `faults.${error.index}.${error.refusal.path}`, message: error.refusal.message }]);
  }
}

export const getStateHandler =
  ({ store, clock }: AppDeps): RouteHandler<typeof getStateRoute> =>
  (c) =>
    c.json(stateView(store, clock), 200);

export const resetHandler =
  ({ store, clock }: AppDeps): RouteHandler<typeof resetRoute> =>
  (c) => {
    // The clock and the state go back together: no request sees one reset and not the other.
    applyingFixture(() =>
      store.transaction(() => {
        clock.reset();
        store.resetToFixture(clock.now());
      }),
    );
    return c.json({ ok: true as const, message: 'State reset to the fixture; clock back to real time.' }, 200);
  };

export const loadFixtureHandler =
  ({ store, clock }: AppDeps): RouteHandler<typeof loadFixtureRoute> =>
  (c) => {
    const next = c.req.valid('json');
    applyingFixture(() =>
      store.transaction(() => {
        clock.reset();
        store.loadFixture(next, clock.now());
      }),
    );
    return c.json({ ok: true as const, message: `Loaded ${next.accounts.length} accounts and ${next.products.length} products.` }, 200);
  };

export const getClockHandler =
  ({ clock }: AppDeps): RouteHandler<typeof getClockRoute> =>
  (c) =>
    c.json(clockView(clock.read()), 200);

export const advanceClockHandler =
  ({ clock }: AppDeps): RouteHandler<typeof advanceClockRoute> =>
  (c) =>
    // The clock right after this advance, whatever other processes advance meanwhile.
    c.json(clockView(clock.advance(Math.round(c.req.valid('json').seconds * 1000))), 200);

export const getSettingsHandler =
  ({ store }: AppDeps): RouteHandler<typeof getSettingsRoute> =>
  (c) =>
    c.json(store.settings.getSettings(), 200);

export const patchSettingsHandler =
  ({ store }: AppDeps): RouteHandler<typeof patchSettingsRoute> =>
  (c) => {
    const patch = c.req.valid('json');
    const settings = store.settings.changeSettings(patch);
    if (patch.journal_limit !== undefined) store.journal.prune();
    return c.json(settings, 200);
  };
