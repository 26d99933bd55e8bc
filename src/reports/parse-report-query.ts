// Strict parsing of report options (CLI flags and the admin endpoint's query string).
import type { ReportBy } from '../usage/ledger-types.js';

export const REPORT_BY: readonly ReportBy[] = ['developer', 'team', 'repo', 'route', 'model', 'day', 'key'];
export const REPORT_FORMATS = ['table', 'csv', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

// Bad input: the CLI exits 2 with the message, the endpoint answers 400.
export class ReportQueryError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'ReportQueryError';
  }
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

// '7d', '24h', '2w' (before `now`) or a UTC date 'YYYY-MM-DD'. Anything else is an error.
export function parseWhen(text: string, option: string, now: Date): Date {
  const s = text.trim();
  const dur = /^(\d{1,5})([hdw])$/.exec(s);
  if (dur) {
    const n = Number(dur[1]);
    if (n <= 0) throw new ReportQueryError(`${option} ${JSON.stringify(text)}: the duration must be positive`);
    return new Date(now.getTime() - n * UNIT_MS[dur[2]!]!);
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (date) {
    const d = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])));
    if (d.toISOString().slice(0, 10) !== s) throw new ReportQueryError(`${option} ${JSON.stringify(text)}: not a valid date`);
    return d;
  }
  throw new ReportQueryError(`${option} ${JSON.stringify(text)}: expected a duration such as 7d, 24h or 2w, or a UTC date YYYY-MM-DD`);
}

export function parseBy(text: string): ReportBy {
  if ((REPORT_BY as readonly string[]).includes(text)) return text as ReportBy;
  throw new ReportQueryError(`--by ${JSON.stringify(text)}: expected one of ${REPORT_BY.join(', ')}`);
}

export function parseFormat(text: string): ReportFormat {
  if ((REPORT_FORMATS as readonly string[]).includes(text)) return text as ReportFormat;
  throw new ReportQueryError(`--format ${JSON.stringify(text)}: expected one of ${REPORT_FORMATS.join(', ')}`);
}

export interface ReportOptionsInput {
  by?: unknown;
  since?: unknown;
  until?: unknown;
  format?: unknown;
}

export interface ParsedReportOptions {
  by: ReportBy;
  since: Date;
  until?: Date;
  format: ReportFormat;
}

function str(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  throw new ReportQueryError(`${name}: expected a single value`);
}

// Defaults: by developer, since 7d, until now, format table.
export function parseReportOptions(input: ReportOptionsInput, now: Date, defaultFormat: ReportFormat = 'table'): ParsedReportOptions {
  const by = parseBy(str(input.by, 'by') ?? 'developer');
  const since = parseWhen(str(input.since, 'since') ?? '7d', 'since', now);
  const untilText = str(input.until, 'until');
  const until = untilText === undefined ? undefined : parseWhen(untilText, 'until', now);
  if (until && until.getTime() < since.getTime()) throw new ReportQueryError('until is before since');
  const format = parseFormat(str(input.format, 'format') ?? defaultFormat);
  return { by, since, until, format };
}
