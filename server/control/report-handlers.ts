/**
 * GET /_mock/report: reads the request journal for the asked scope (every entry the journal
 * keeps, oldest first) and answers the integration report (server/report/) as JSON, text or
 * JUnit XML.
 */
import type { RouteHandler } from '@hono/zod-openapi';
import type { getReportRoute } from '../../spec/control-routes.js';
import type { AppDeps } from '../app-env.js';
import { buildReport } from '../report/build-report.js';
import { toWire } from '../report/format-json.js';
import { formatReport, reportContentTypes } from '../report/format-report.js';
import type { ReportScope } from '../report/report-types.js';

export const getReportHandler =
  ({ store }: AppDeps): RouteHandler<typeof getReportRoute> =>
  (c) => {
    const query = c.req.valid('query');
    const scope: ReportScope = {};
    if (query.account !== undefined) scope.accountId = query.account;
    if (query.key_prefix !== undefined) scope.keyPrefix = query.key_prefix;
    if (query.since !== undefined) scope.since = query.since;
    if (query.until !== undefined) scope.until = query.until;

    const settings = store.settings.getSettings();
    // The journal's own bound is the most it holds; list() would stop at its default page of 100.
    const entries = store.journal.list({ ...scope, order: 'oldest', limit: settings.journal_limit });
    const report = buildReport(entries, { rateLimit: settings.rate_limit, rateWindowSeconds: settings.rate_window_seconds, scope });
    if (query.format === 'json') return c.json(toWire(report), 200);
    return c.body(formatReport(report, query.format, query.fail_on), 200, { 'Content-Type': reportContentTypes[query.format] }) as never;
  };
