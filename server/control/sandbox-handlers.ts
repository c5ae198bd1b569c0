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
import type { Fixture } from '../../spec/control-schemas.js';
import type { AppDeps } from '../app-env.js';
import { controlError } from '../errors.js';
import type { Store } from '../store/create-store.js';
import { RefusedRule } from '../store/faults-store.js';
import { clockView, stateView } from './views.js';

/** Loads a fixture; a fault rule the store refuses (a key_prefix that is a whole key) is a 400 naming it. */
function load(store: Store, fixture: Fixture, now: number) {
  try {
    store.loadFixture(fixture, now);
  } catch (error) {
    if (!(error instanceof RefusedRule)) throw error;
    const path = `faults.${error.index}.${error.refusal.path}`;
    throw controlError('CONTROL_VALIDATION', `${path}: ${error.refusal.message}`, { details: [{ path, message: error.refusal.message }] });
  }
}

export const getStateHandler =
  ({ store, clock }: AppDeps): RouteHandler<typeof getStateRoute> =>
  (c) =>
    c.json(stateView(store, clock), 200);

export const resetHandler =
  ({ store, clock, fixture }: AppDeps): RouteHandler<typeof resetRoute> =>
  (c) => {
    clock.reset();
    load(store, fixture.current, clock.now());
    return c.json({ ok: true as const, message: 'State reset to the fixture; clock back to real time.' }, 200);
  };

export const loadFixtureHandler =
  ({ store, clock, fixture }: AppDeps): RouteHandler<typeof loadFixtureRoute> =>
  (c) => {
    const next = c.req.valid('json');
    clock.reset();
    load(store, next, clock.now());
    fixture.current = next;
    return c.json({ ok: true as const, message: `Loaded ${next.accounts.length} accounts and ${next.products.length} products.` }, 200);
  };

export const getClockHandler =
  ({ clock }: AppDeps): RouteHandler<typeof getClockRoute> =>
  (c) =>
    c.json(clockView(clock), 200);

export const advanceClockHandler =
  ({ clock }: AppDeps): RouteHandler<typeof advanceClockRoute> =>
  (c) => {
    clock.advance(Math.round(c.req.valid('json').seconds * 1000));
    return c.json(clockView(clock), 200);
  };

export const getSettingsHandler =
  ({ store }: AppDeps): RouteHandler<typeof getSettingsRoute> =>
  (c) =>
    c.json(store.settings.getSettings(), 200);

export const patchSettingsHandler =
  ({ store }: AppDeps): RouteHandler<typeof patchSettingsRoute> =>
  (c) => {
    const patch = c.req.valid('json');
    store.settings.changeSettings(patch);
    if (patch.journal_limit !== undefined) store.journal.prune();
    return c.json(store.settings.getSettings(), 200);
  };
