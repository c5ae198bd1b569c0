/**
 * The connection cap, and what makes room under it. Every open connection is tracked with what it
 * is doing; when a new one would go over the cap, one that serves nobody goes first:
 *
 *   1. an idle keep-alive connection (its last answer sent, no new request), the longest idle first;
 *   2. a connection still waiting for the headers of its first request, the oldest first: a
 *      slow-header flood fills the cap with these, and each new client takes the place of the flood
 *      connection that has been trying longest, so the flood cannot keep a normal client out;
 *   3. none: every connection has a request in progress (being read or answered); the new connection
 *      is closed unanswered, as a full listen queue would refuse it. Requests in progress end within
 *      the request timeout.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface Connection {
  /** When it connected, or when its latest request's headers arrived. */
  since: number;
  req?: IncomingMessage;
  res?: ServerResponse;
}

export type Victim = { socket: Socket; reason: 'idle' | 'awaiting-headers' };

/**
 * @example
 *   const cap = connectionCap(1000);
 *   server.on('connection', (socket) => { const victim = cap.admit(socket); ... });
 */
export function connectionCap(max: number, now: () => number = () => performance.now()) {
  const open = new Map<Socket, Connection>();

  /** The connection that serves nobody and has waited longest, idle ones before ones awaiting headers. */
  const pickVictim = (): Victim | undefined => {
    let idle: [Socket, number] | undefined;
    let awaiting: [Socket, number] | undefined;
    for (const [socket, connection] of open) {
      if (socket.destroyed) continue;
      if (!connection.req) {
        if (!awaiting || connection.since < awaiting[1]) awaiting = [socket, connection.since];
      } else if (connection.res?.writableFinished && connection.req.complete) {
        if (!idle || connection.since < idle[1]) idle = [socket, connection.since];
      }
    }
    if (idle) return { socket: idle[0], reason: 'idle' };
    if (awaiting) return { socket: awaiting[0], reason: 'awaiting-headers' };
    return undefined;
  };

  return {
    /**
     * Tracks a new connection. Under the cap: undefined. At it: the connection to close to make room,
     * or 'refuse' when none can go (then the new one is not tracked and must be closed).
     */
    admit(socket: Socket): Victim | 'refuse' | undefined {
      let victim: Victim | undefined;
      if (open.size >= max) {
        victim = pickVictim();
        if (!victim) return 'refuse';
        open.delete(victim.socket);
      }
      open.set(socket, { since: now() });
      socket.once('close', () => open.delete(socket));
      return victim;
    },
    /** A request's headers arrived on the connection. */
    request(req: IncomingMessage, res: ServerResponse) {
      const connection = open.get(req.socket);
      if (!connection) return;
      connection.since = now();
      connection.req = req;
      connection.res = res;
    },
    /** The responses not yet started on open connections (at shutdown, each is told the connection closes). */
    *unsentResponses(): Generator<ServerResponse> {
      for (const connection of open.values()) if (connection.res && !connection.res.headersSent) yield connection.res;
    },
    get size() {
      return open.size;
    },
  };
}
