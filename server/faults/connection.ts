/**
 * What the connection-level faults do to the client's socket: close it (FIN), reset it (RST),
 * or hold it without an answer until the client gives up or a bound passes. The socket comes
 * from @hono/node-server (`c.env.incoming.socket`); each HTTP/1.1 connection carries one request
 * at a time, so closing it can never cut off another client's answer.
 */
import type { Socket } from 'node:net';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';

/** The client's socket; undefined in-process (`app.request()`), where there is no connection. */
export function socketOf(c: Context): Socket | undefined {
  return (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
}

/**
 * The response that tells @hono/node-server nothing is to be written (the connection is gone).
 * A fresh one each time: later stages may add headers to it. In-process, where there is no
 * connection to drop, the caller gets this empty placeholder.
 */
export const noAnswer = () => new Response(null, { headers: RESPONSE_ALREADY_SENT.headers });

/** Closes (FIN) or resets (RST) the connection. */
export function dropConnection(c: Context, how: 'close' | 'reset'): Response {
  const socket = socketOf(c);
  if (socket && !socket.destroyed) {
    if (how === 'reset') socket.resetAndDestroy();
    // FIN once anything queued is flushed, then the socket goes.
    else socket.destroySoon();
  }
  return noAnswer();
}

/**
 * Holds the request without an answer until the client closes its side or maxMs pass, then
 * closes the connection.
 */
export async function hang(c: Context, maxMs: number): Promise<Response> {
  const socket = socketOf(c);
  // In-process there is no socket; an aborted request (the caller's AbortSignal) ends the hang there.
  const signal = c.req.raw.signal;
  await new Promise<void>((resolve) => {
    if (socket?.destroyed || signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      socket?.off('close', done).off('end', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    socket?.once('close', done).once('end', done);
    signal.addEventListener('abort', done, { once: true });
  });
  return dropConnection(c, 'close');
}
