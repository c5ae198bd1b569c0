/**
 * HTTP/1.1 over a raw socket (node:net), for requests fetch refuses to send (a malformed request
 * line, a missing Host, a header that never ends) and for watching how the server ends a
 * connection: with a FIN after its answer, or with a reset before it. The contract suite's
 * HTTP-layer case and the server's process tests use it.
 */
import { connect, type Socket } from 'node:net';

/** One answer as it came off the wire. */
export interface RawAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

/** What a connection saw: every answer, in order, and how the connection ended. */
export interface RawExchange {
  answers: RawAnswer[];
  /** 'fin': the server closed after its answers; 'reset': ECONNRESET/EPIPE; 'open': still open when we stopped waiting. */
  ended: 'fin' | 'reset' | 'open';
  error?: string;
}

/** Splits the bytes received into answers (Content-Length framing: the server always sends it). */
export function parseAnswers(bytes: Buffer): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = bytes;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return answers;
    const head = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const body = rest.subarray(end + 4, end + 4 + length).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    answers.push({ status, headers, body, json });
    rest = rest.subarray(end + 4 + length);
  }
}

export interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolves once `count` complete answers arrived (or the connection ended first). */
  answers(count?: number): Promise<RawAnswer[]>;
  /** Resolves when the connection ends, or after `timeoutMs` with 'open'. */
  closed(timeoutMs?: number): Promise<RawExchange>;
  write(data: string | Buffer): Promise<void>;
}

/** Opens a connection to 127.0.0.1:port, or to the host and port of an http:// origin; nothing is sent until `write`. */
export async function openRaw(target: number | string): Promise<RawConnection> {
  const url = typeof target === 'string' ? new URL(target) : undefined;
  if (url && url.protocol !== 'http:') throw new Error(`raw HTTP needs an http:// origin, not ${url.origin}`);
  const socket = url ? connect(Number(url.port || 80), url.hostname.replace(/^\[|\]$/g, '')) : connect(target as number, '127.0.0.1');
  const chunks: Buffer[] = [];
  let error: string | undefined;
  let ended: 'fin' | 'reset' | undefined;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    wake();
  });
  socket.on('end', () => {
    ended ??= 'fin';
    socket.end();
    wake();
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    error = e.code ?? e.message;
    ended = 'reset';
    wake();
  });
  socket.on('close', () => {
    ended ??= 'fin';
    wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const received = () => Buffer.concat(chunks);
  const until = (done: () => boolean, timeoutMs: number) =>
    new Promise<void>((resolve) => {
      if (done()) return resolve();
      const check = () => {
        if (!done()) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        resolve();
      }, timeoutMs);
      waiters.add(check);
    });
  return {
    socket,
    received,
    answers: async (count = 1) => {
      const complete = () => parseAnswers(received()).filter((a) => a.status !== 100);
      await until(() => ended !== undefined || complete().length >= count, 20_000);
      return complete();
    },
    closed: async (timeoutMs = 20_000) => {
      await until(() => ended !== undefined, timeoutMs);
      if (ended === undefined) socket.destroy();
      return { answers: parseAnswers(received()).filter((a) => a.status !== 100), ended: ended ?? 'open', error };
    },
    write: (data) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed || !socket.writable) return resolve();
        socket.write(data, () => resolve());
      }),
  };
}

/** Sends the bytes on a new connection and waits for the server to close it. */
export async function rawExchange(target: number | string, data: string | Buffer, timeoutMs = 20_000): Promise<RawExchange> {
  const connection = await openRaw(target);
  await connection.write(data);
  return connection.closed(timeoutMs);
}
