/** One entry point for the three formats, so the endpoint and the CLI write the same bytes. */
import { formatJson } from './format-json.js';
import { formatJunit } from './format-junit.js';
import { formatText } from './format-text.js';
import type { Report, Severity } from './report-types.js';

export const reportFormats = ['json', 'text', 'junit'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const severities = ['error', 'warning', 'info'] as const satisfies readonly Severity[];

export const reportContentTypes: Record<ReportFormat, string> = {
  json: 'application/json',
  text: 'text/plain; charset=utf-8',
  junit: 'application/xml',
};

/** The report as text in a format; `failOn` decides which findings are JUnit failures. */
export function formatReport(report: Report, format: ReportFormat, failOn: Severity = 'error'): string {
  if (format === 'json') return formatJson(report);
  if (format === 'text') return formatText(report);
  return formatJunit(report, failOn);
}
