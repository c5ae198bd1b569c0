/**
 * One HTTP request on its own new connection (node:http, no keep-alive pool), reporting what a
 * client sees: an answer, or the socket error (ECONNRESET "socket hang up" for a close, "read
 * ECONNRESET" for a reset), or that it gave up after timeoutMs without an answer.
 */
import { request, type IncomingHttpHeaders } from 'node:http';

export type Outcome =
  | { kind: 'answer'; status: number; headers: IncomingHttpHeaders; text: string; json: any }
  | { kind: 'error'; code: string | undefined; message: string };

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The client gives up when no byte arrives for this long (code CLIENT_TIMEOUT). */
  timeoutMs?: number;
}

export function send(url: string, options: SendOptions = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers = { ...options.headers };
    if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
    const req = request(url, { method: options.method ?? 'GET', headers, agent: false });
    req.setTimeout(options.timeoutMs ?? 10_000, () => {
      req.destroy(Object.assign(new Error('the client gave up waiting'), { code: 'CLIENT_TIMEOUT' }));
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ kind: 'answer', status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'error', code: error.code, message: error.message }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'error', code: error.code, message: error.message }));
    req.end(options.body);
  });
}

/** The answer, or a failed expectation naming what happened instead. */
export function answered(outcome: Outcome): Extract<Outcome, { kind: 'answer' }> {
  if (outcome.kind !== 'answer') throw new Error(`expected an answer, got ${outcome.code}: ${outcome.message}`);
  return outcome;
}
