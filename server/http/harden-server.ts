/**
 * The HTTP layer's defences, on the node:http server that carries the app. Node's defaults answer
 * what its parser refuses with a bare status line, hold slow and idle clients for minutes, take
 * any number of connections, and reset a client that is still uploading when the server closes.
 * Here, instead:
 *
 *  - what the parser refuses (a bad request line, a bad header, Content-Length with
 *    Transfer-Encoding, a header block over 16 KiB, a timeout) and what the app cannot be asked
 *    (`OPTIONS *`, CONNECT, no Host in HTTP/1.1, a Host that is no host) gets a JSON error with a
 *    stable code (BAD_REQUEST 400, REQUEST_TIMEOUT 408, HEADERS_TOO_LARGE 431, from
 *    spec/error-codes.ts) and Connection: close;
 *  - headers must arrive within `headersTimeoutMs`, the whole request within `requestTimeoutMs`,
 *    and an idle keep-alive connection is closed after `keepAliveTimeoutMs`;
 *  - at most `maxConnections` are open; a new one makes room by closing an idle or a still-silent
 *    one (connection-cap.ts);
 *  - a connection the server closes is half-closed (FIN) and keeps reading and dropping what the
 *    client still sends for a while (a "lingering close"), so a client that is mid-upload reads the
 *    answer instead of getting ECONNRESET or EPIPE;
 *  - once `server.close()` is called (shutdown), every answer says Connection: close.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody, httpErrors, type AppError } from '../errors.js';
import { connectionCap } from './connection-cap.js';
import { requestTargetProblem } from './request-target.js';

export interface HardenOptions {
  /** The whole header block must arrive within this, counted from the request's first byte. */
  headersTimeoutMs: number;
  /** The whole request, headers and body, must arrive within this. At least headersTimeoutMs. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Most connections open at once. */
  maxConnections: number;
  /** How long a connection the server closes goes on reading and dropping what the client sends. */
  lingerMs?: number;
  /** Where the layer says what it did (a connection cap reached). */
  log?: (line: string) => void;
}

/** Long enough for a client on a slow link to finish sending a few megabytes it had under way. */
const DEFAULT_LINGER_MS = 5000;

/** How each parser error is answered; anything else the parser refuses is 400 BAD_REQUEST. */
function answerFor(error: NodeJS.ErrnoException & { reason?: string }, options: HardenOptions): AppError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return httpErrors.headersTooLarge();
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return httpErrors.requestTimeout(options.headersTimeoutMs, options.requestTimeoutMs);
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return httpErrors.badRequest('Content-Length and Transfer-Encoding together');
    default:
      return httpErrors.badRequest(error.reason ? error.reason.replace(/\.$/, '').toLowerCase() : 'the request could not be parsed');
  }
}

/** An error as raw HTTP/1.1 bytes, for a socket that has no response object (the parser refused the request). */
function rawAnswer(error: AppError): string {
  const body = JSON.stringify(errorBody(error));
  const head = [`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`];
  for (const [name, value] of Object.entries(error.headers)) head.push(`${name}: ${value}`);
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Call it on the server before it starts listening (right after `serve()` returns, or after
 * `createServer()`), and before anything else listens for its 'request' events.
 * @example
 *   const server = serve({ fetch: app.fetch, port: 8080 }) as Server;
 *   hardenHttpServer(server, { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5000, maxConnections: 1000 });
 */
export function hardenHttpServer(server: Server, options: HardenOptions): void {
  const lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
  const log = options.log ?? ((line: string) => console.log(line));
  /** Connections the server is closing: nothing more is read from them as a request. */
  const closing = new WeakSet<Socket>();

  // The constructor options of node:http, which are plain properties once it is made (@types/node types only some).
  const settable = server as Server & { connectionsCheckingInterval: number; requireHostHeader: boolean; httpAllowHalfOpen: boolean };
  // A client that half-closes after its request (sends FIN, as `socket.end(request)` does) still gets
  // its answer, then the connection closes. By default Node drops the request in flight at the FIN: an
  // answer that waits for the turn's commit (a group commit, server/store/turn-transaction.ts) came too late.
  settable.httpAllowHalfOpen = true;
  settable.headersTimeout = options.headersTimeoutMs;
  settable.requestTimeout = options.requestTimeoutMs;
  settable.keepAliveTimeout = options.keepAliveTimeoutMs;
  // Node checks header and request timeouts on this interval (30 s by default), set up at 'listening'.
  settable.connectionsCheckingInterval = Math.max(50, Math.min(1000, Math.floor(options.headersTimeoutMs / 4)));
  restartTimeoutChecks(server);
  // A missing Host is answered below, in JSON, rather than by Node's bare 400.
  settable.requireHostHeader = false;

  /** Half-closes now, reads and drops what still comes for up to lingerMs, then closes. */
  const lingeringClose = (socket: Socket) => {
    if (closing.has(socket) || socket.destroyed) return;
    closing.add(socket);
    socket.end();
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.resume();
  };

  const answerAndClose = (socket: Socket, error: AppError) => {
    if (closing.has(socket) || socket.destroyed) return;
    if (socket.writable) socket.write(rawAnswer(error));
    lingeringClose(socket);
  };

  const cap = connectionCap(options.maxConnections);
  let capLoggedAt = -Infinity;
  server.on('connection', (socket: Socket) => {
    // Node closes a connection after an answer with Connection: close by calling destroySoon.
    socket.destroySoon = () => lingeringClose(socket);
    const admitted = cap.admit(socket);
    if (admitted === undefined) return;
    if (performance.now() - capLoggedAt > 60_000) {
      capLoggedAt = performance.now();
      log(`connection cap of ${options.maxConnections} reached: closing idle and silent connections to make room (logged once a minute)`);
    }
    if (admitted === 'refuse') {
      socket.destroy();
    } else if (admitted.reason === 'awaiting-headers' && admitted.socket.bytesRead > 0) {
      answerAndClose(admitted.socket, httpErrors.requestTimeout(options.headersTimeoutMs, options.requestTimeoutMs));
    } else {
      lingeringClose(admitted.socket);
    }
  });

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const res = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || res?.headersSent) {
      socket.destroy();
    } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && socket.bytesRead === 0) {
      lingeringClose(socket); // it never said anything: nothing to answer
    } else {
      answerAndClose(socket, answerFor(error, options));
    }
  });

  // No proxying here: CONNECT gets an answer instead of a silently dropped connection.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    answerAndClose(socket, httpErrors.badRequest('CONNECT is not served (this is not a proxy)'));
  });

  // Shutdown: once close() is called, answers still to come tell their clients the connection ends.
  let draining = false;
  const close = server.close;
  server.close = function closeAndDrain(this: Server, callback?: (error?: Error) => void) {
    draining = true;
    for (const res of cap.unsentResponses()) res.shouldKeepAlive = false;
    return close.call(this, callback);
  } as Server['close'];

  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // A request that arrives on a connection being closed is not served: its client was told.
    if (closing.has(req.socket)) return;
    cap.request(req, res);
    if (draining) res.shouldKeepAlive = false;
    const problem = requestTargetProblem(req);
    if (problem !== undefined) {
      const error = httpErrors.badRequest(problem);
      const body = JSON.stringify(errorBody(error));
      res.writeHead(error.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...error.headers });
      res.end(body);
      return;
    }
    for (const listener of listeners) listener.call(server, req, res);
  });
}

/**
 * Node starts its timeout checks on 'listening' with the interval as it is then. Called before,
 * this does nothing that 'listening' will not redo; called after, it restarts them at the new interval.
 */
function restartTimeoutChecks(server: Server) {
  for (const listener of server.listeners('listening')) {
    if (listener.name === 'setupConnectionsTracking') (listener as (this: Server) => void).call(server);
  }
}
