/**
 * The better-sqlite3 build for this Node. Version 12 wraps statements in
 * node::ObjectWrap, which on Node 24 aborts the process when a statement is
 * garbage-collected ("Assertion failed: (env) != nullptr" in ~Statement; upstream
 * closed it without a fix). Version 13 (Node-API) is safe there but needs
 * Node >= 22 and crashes on Node 20. Both are installed (13 under the alias
 * better-sqlite3-napi) and the right one is loaded here, the only place that does.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const nodeMajor = Number(process.versions.node.split('.')[0]);

export const Database: typeof BetterSqlite3 = nodeMajor >= 22 ? require('better-sqlite3-napi') : require('better-sqlite3');

export type Db = BetterSqlite3.Database;
