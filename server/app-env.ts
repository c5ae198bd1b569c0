/** Types shared by the app factory, middleware and handlers. */
import type { Fixture } from '../spec/control-schemas.js';
import type { Clock } from './clock.js';
import type { JournalEntry, JournalFilter } from './journal/journal-entry.js';
import type { Store } from './store/create-store.js';
import type { Context } from 'hono';

export interface AppDeps {
  store: Store;
  clock: Clock;
  /** The fixture that POST /_mock/reset returns to; POST /_mock/fixtures replaces it. */
  fixture: { current: Fixture };
  /** When set, the control API wants `Authorization: Bearer <token>`. */
  controlToken?: string;
  version: string;
  /** The client's address for the failed-authentication limit; defaults to the socket's remote address. */
  clientAddress?: (c: Context) => string;
  /**
   * Reads the request journal, oldest first when asked: the journal store's `list(filter)`.
   * GET /_mock/report is served only when there is one.
   */
  readJournal?: (filter: JournalFilter) => JournalEntry[];
}

/** What authentication leaves on the context for the handlers. */
export interface AppEnv {
  Variables: {
    accountId: string;
    requestId: string;
  };
}
