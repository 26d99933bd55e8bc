// UTC day keys and budget periods. Weekly periods are ISO weeks (from Monday 00:00 UTC).
export type BudgetPeriod = 'daily' | 'weekly' | 'monthly';

const DAY_MS = 86_400_000;

// 'YYYY-MM-DD' of the UTC day containing `at`.
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

// Every UTC day from `since` to `until` inclusive (at most `maxDays`, newest kept).
export function utcDaysBetween(since: Date, until: Date, maxDays = 3660): string[] {
  const start = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate());
  const end = Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), until.getUTCDate());
  const days: string[] = [];
  for (let t = Math.max(start, end - (maxDays - 1) * DAY_MS); t <= end; t += DAY_MS) days.push(utcDay(new Date(t)));
  return days;
}

// Start of the period containing `now` (ms since epoch).
export function periodStart(period: BudgetPeriod, now: Date): number {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  if (period === 'daily') return Date.UTC(y, m, d);
  if (period === 'monthly') return Date.UTC(y, m, 1);
  const mondayOffset = (now.getUTCDay() + 6) % 7;
  return Date.UTC(y, m, d - mondayOffset);
}

// Start of the next period (ms since epoch).
export function periodEnd(period: BudgetPeriod, now: Date): number {
  const start = new Date(periodStart(period, now));
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth();
  const d = start.getUTCDate();
  if (period === 'daily') return Date.UTC(y, m, d + 1);
  if (period === 'weekly') return Date.UTC(y, m, d + 7);
  return Date.UTC(y, m + 1, 1);
}

// The next period start as integer Unix seconds: the `resets_at` Codex reads.
export function resetsAt(period: BudgetPeriod, now: Date): number {
  return Math.floor(periodEnd(period, now) / 1000);
}

// A stable name for the period containing `now`: 'daily:2026-11-24', 'weekly:2026-11-23'
// (its Monday), 'monthly:2026-11'.
export function periodId(period: BudgetPeriod, now: Date): string {
  const start = new Date(periodStart(period, now)).toISOString();
  return `${period}:${period === 'monthly' ? start.slice(0, 7) : start.slice(0, 10)}`;
}
