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

function compile(routes: readonly RouterRoute[]): KnownPath[] {
  const byPath = new Map<string, Set<string>>();
  for (const route of routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue; // middleware, not endpoints
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD'); // Hono answers HEAD with the GET handler
    byPath.set(route.path, methods);
  }
  return [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}$`),
    methods,
  }));
}

/** @example app.use(knownRoutes(() => app.routes)) — the table is read on the first request, after all routes exist. */
export const knownRoutes = (routes: () => readonly RouterRoute[]): MiddlewareHandler => {
  let table: KnownPath[] | undefined;
  return async function knownRoutes(c, next) {
    table ??= compile(routes());
    const matches = table.filter((known) => known.pattern.test(c.req.path));
    if (matches.length === 0) throw errors.notFound(c.req.path);
    const allowed = new Set(matches.flatMap((m) => [...m.methods]));
    if (!allowed.has(c.req.method)) throw errors.methodNotAllowed(c.req.method, c.req.path, [...allowed].sort());
    await next();
  };
};
