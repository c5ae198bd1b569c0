/** Which operation of the public API a method and path name; null for anything else (a 404 or 405). */
import { API_PREFIX, apiRoutes } from '../../spec/api-routes.js';
import type { JournalOperation } from './journal-entry.js';

const operations = new Map<string, JournalOperation>(
  apiRoutes.map((route) => [`${route.method.toUpperCase()} ${API_PREFIX}${route.path}`, route.operationId as JournalOperation]),
);

export const operationOf = (method: string, path: string): JournalOperation | null =>
  // Hono answers HEAD with the GET handler, so a HEAD is that operation too.
  operations.get(`${method === 'HEAD' ? 'GET' : method} ${path}`) ?? null;
