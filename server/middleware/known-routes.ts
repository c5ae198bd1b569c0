/**
 * First check of every request: an unknown path is 404 NOT_FOUND and a known
 * path with the wrong method is 405 METHOD_NOT_ALLOWED (with Allow), before any
 * key is looked at. Hono has no 405 of its own, so the route table is read here.
 */
import type { MiddlewareHandler } from 'hono';
import type { RouterRoute } from 'hono/types';
import { errors } from '../errors.js';

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

/** Paths without parameters are looked up by their text; only the others are matched by pattern. */
interface RouteTable {
  exact: Map<string, Set<string>>;
  patterns: KnownPath[];
}

function compile(routes: readonly RouterRoute[]): RouteTable {
  const byPath = new Map<string, Set<string>>();
  for (const route of routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue; // middleware, not endpoints
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD'); // Hono answers HEAD with the GET handler
    byPath.set(route.path, methods);
  }
  const table: RouteTable = { exact: new Map(), patterns: [] };
  for (const [path, methods] of byPath) {
    if (!path.includes(':')) table.exact.set(path, methods);
    table.patterns.push({
      pattern: new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}$`),
      methods,
    });
  }
  return table;
}

/** @example app.use(knownRoutes(() => app.routes)) — the table is read on the first request, after all routes exist. */
export const knownRoutes = (routes: () => readonly RouterRoute[]): MiddlewareHandler => {
  let table: RouteTable | undefined;
  return async function knownRoutes(c, next) {
    table ??= compile(routes());
    const path = c.req.path;
    // The common case, a known path with a method it has: one lookup, nothing built.
    if (table.exact.get(path)?.has(c.req.method)) return next();
    const matches = table.patterns.filter((known) => known.pattern.test(path));
    if (matches.length === 0) throw errors.notFound(path);
    const allowed = new Set(matches.flatMap((m) => [...m.methods]));
    if (!allowed.has(c.req.method)) throw errors.methodNotAllowed(c.req.method, path, [...allowed].sort());
    await next();
  };
};
