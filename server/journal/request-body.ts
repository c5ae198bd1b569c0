/** The request body as text, for the journal and for fault rules that match a product. */
import type { Context } from 'hono';

/** Bodies past this are not read for the journal or a fault rule (the API refuses them anyway). */
export const MAX_READ_BYTES = 16 * 1024;

/**
 * The body the handler read, or, when nothing read it yet, the body itself if its
 * Content-Length says it is small; null when there is none, it is large, or it cannot be read.
 */
export async function requestBodyText(c: Context): Promise<string | null> {
  if ('text' in c.req.bodyCache || 'json' in c.req.bodyCache || 'arrayBuffer' in c.req.bodyCache) {
    return c.req.text().catch(() => null);
  }
  const length = Number(c.req.header('Content-Length') ?? 0);
  if (!(length > 0 && length <= MAX_READ_BYTES)) return null;
  return c.req.text().catch(() => null);
}
