/**
 * The fault stage of the public API: after the 404/405 gate and before the key is looked at,
 * the way a gateway in front of the API fails. A delay lets the request go on; an error page,
 * a closed or reset connection, or a hang end it there, before anything is checked, counted
 * or charged.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { requestBodyText } from '../journal/request-body.js';
import { DEFAULT_HANG_MS } from '../../spec/fault-schemas.js';
import { dropConnection, hang } from './connection.js';
import { faultAnswer } from './fault-answer.js';
import { pickFault } from './pick-fault.js';

/** @example api.use('*', faultStage(deps)) — before the key stage (apiKey). */
export const faultStage = (deps: AppDeps): MiddlewareHandler<AppEnv> =>
  async function faultStage(c, next) {
    const fault = await pickFault(deps, c, 'before');
    if (!fault) return next();
    c.set('fault', fault.kind);
    if (fault.kind === 'latency') {
      // Real time, not the virtual clock: this is the wait a client's timeout measures. The request is
      // processed afterwards even if the client gave up meanwhile, as a slow server would.
      await sleep(fault.delayMs);
      return next();
    }
    if (fault.kind === 'error_response') return faultAnswer(c, fault);
    // The connection goes without an answer: keep the body for the journal first.
    await requestBodyText(c);
    if (fault.kind === 'close_before') return dropConnection(c, 'close');
    if (fault.kind === 'reset_before') return dropConnection(c, 'reset');
    return hang(c, fault.params.max_ms ?? DEFAULT_HANG_MS);
  };
