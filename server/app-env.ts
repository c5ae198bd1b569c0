/** Types shared by the app factory, middleware and handlers. */
import type { Clock } from './clock.js';
import type { Context } from 'hono';
import type { AppliedFault } from './journal/journal-entry.js';
import type { KeyLookup } from './store/accounts-store.js';
import type { Store } from './store/create-store.js';

export interface AppDeps {
  store: Store;
  clock: Clock;
  /** When set, the control API wants `Authorization: Bearer <token>`. */
  controlToken?: string;
  version: string;
  /** The client's address for the failed-authentication limit; defaults to the socket's remote address. */
  clientAddress?: (c: Context) => string;
}

/** What the API's stages leave on the context for the stages after them, the handlers and the journal. */
export interface AppEnv {
  Variables: {
    /** The key and its account, found by the key stage (middleware/api-key.ts). */
    caller: KeyLookup;
    requestId: string;
    /** The fault a fault rule applied to this request (server/faults/). */
    fault?: AppliedFault;
    /** The order a purchase created or replayed. */
    order?: { id: string; replayed: boolean };
    /** The answer sent and its text, for the journal (server/json-text.ts: sendText). */
    answer?: { response: Response; text: string };
  };
}
