/**
 * The answer of an error fault: the API's JSON error shape with the mock-only code of the
 * status, or the HTML page a proxy in front of the API (nginx here) sends.
 */
import type { Context } from 'hono';
import { errors, writeError } from '../errors.js';
import { sendText } from '../json-text.js';
import type { FiredFault } from '../store/faults-store.js';

const REASONS = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' } as const;

export function faultAnswer(c: Context, fault: FiredFault): Response {
  const status = fault.params.status ?? 502;
  if (fault.params.body === 'html') {
    const title = `${status} ${REASONS[status]}`;
    return sendText(c, `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`, status, { 'Content-Type': 'text/html; charset=UTF-8' });
  }
  return writeError(c, errors.injected(status, fault.ruleId));
}
