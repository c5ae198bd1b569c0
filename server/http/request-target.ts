/**
 * What Node's parser lets through but the app cannot be asked: a request target that is not a path
 * (`OPTIONS *`, `CONNECT host:port`), a path with a backslash, an HTTP/1.1 request without Host, or a
 * Host that is no host. @hono/node-server would turn each into a bare 400 without a body; the HTTP
 * layer answers them with a JSON 400 BAD_REQUEST instead (harden-server.ts). The rules are those of
 * @hono/node-server's request builder, so whatever passes here, it accepts.
 */
import type { IncomingMessage } from 'node:http';

// The fast paths of @hono/node-server: a plain host[:port] and a plain path need no URL parsing.
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;
const ABSOLUTE_FORM = /^https?:\/\//i;

const backslashInPath = (target: string) => {
  const backslash = target.indexOf('\\');
  if (backslash === -1) return false;
  const query = target.indexOf('?');
  return query === -1 || backslash < query;
};

/** Does this Host parse to itself as a URL's host? (the check @hono/node-server makes of an unusual Host) */
function hostProblem(host: string, target: string): string | undefined {
  if (PLAIN_HOST.test(host)) return undefined;
  try {
    const { hostname } = new URL(`http://${host}${target}`);
    const expected = (host.includes(':') ? host.replace(/:\d+$/, '') : host).toLowerCase();
    if (hostname.length !== host.length && hostname !== expected) return `the Host header "${host.slice(0, 100)}" is not a host name`;
    return undefined;
  } catch {
    return `the Host header "${host.slice(0, 100)}" is not a host name`;
  }
}

/**
 * What is wrong with the request's target or Host, or undefined when the app can take it. An
 * HTTP/1.0 request without Host (allowed in 1.0) is given `localhost`.
 * @example requestTargetProblem(req) // 'the request target must be a path such as /api/v1/balance, not "*"'
 */
export function requestTargetProblem(req: IncomingMessage): string | undefined {
  const target = req.url ?? '';
  if (ABSOLUTE_FORM.test(target)) {
    try {
      new URL(target);
    } catch {
      return 'the request target is not a valid absolute URL';
    }
    return backslashInPath(target) ? 'the path holds a backslash' : undefined;
  }
  if (!target.startsWith('/')) return `the request target must be a path such as /api/v1/balance, not "${target.slice(0, 100)}"`;
  if (backslashInPath(target)) return 'the path holds a backslash';
  const host = req.headers.host;
  if (host === undefined || host === '') {
    if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) return 'an HTTP/1.1 request must carry a Host header';
    req.headers.host = 'localhost';
    return undefined;
  }
  return hostProblem(host, target);
}
