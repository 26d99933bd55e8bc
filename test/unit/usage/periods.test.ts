import { describe, expect, it } from 'vitest';
import { periodEnd, periodId, periodStart, resetsAt, utcDay, utcDaysBetween } from '../../../src/usage/periods.js';

const at = (iso: string) => new Date(iso);
const unix = (iso: string) => Date.parse(iso) / 1000;

describe('budget periods (UTC)', () => {
  it('daily resets at the next UTC midnight, as integer Unix seconds', () => {
    const r = resetsAt('daily', at('2026-11-24T23:59:59.999Z'));
    expect(Number.isInteger(r)).toBe(true);
    expect(r).toBe(unix('2026-11-25T00:00:00Z'));
    expect(resetsAt('daily', at('2026-11-25T00:00:00Z'))).toBe(unix('2026-11-26T00:00:00Z'));
  });

  it('weekly is the ISO week: Monday 00:00 UTC to the next Monday', () => {
    // 2026-11-23 is a Monday.
    expect(periodStart('weekly', at('2026-11-23T00:00:00Z'))).toBe(Date.parse('2026-11-23T00:00:00Z'));
    expect(periodStart('weekly', at('2026-11-29T23:59:59Z'))).toBe(Date.parse('2026-11-23T00:00:00Z'));
    expect(resetsAt('weekly', at('2026-11-29T23:59:59Z'))).toBe(unix('2026-11-30T00:00:00Z'));
    expect(resetsAt('weekly', at('2026-11-25T10:00:00Z'))).toBe(unix('2026-11-30T00:00:00Z'));
    // Across a year end.
    expect(resetsAt('weekly', at('2026-12-31T12:00:00Z'))).toBe(unix('2027-01-04T00:00:00Z'));
    expect(periodId('weekly', at('2026-11-29T12:00:00Z'))).toBe('weekly:2026-11-23');
  });

  it('monthly resets on the 1st, across a year end too', () => {
    expect(resetsAt('monthly', at('2026-11-24T08:00:00Z'))).toBe(unix('2026-12-01T00:00:00Z'));
    expect(resetsAt('monthly', at('2026-12-31T23:59:59Z'))).toBe(unix('2027-01-01T00:00:00Z'));
    expect(periodEnd('monthly', at('2028-02-10T00:00:00Z'))).toBe(Date.parse('2028-03-01T00:00:00Z'));
    expect(periodId('monthly', at('2026-11-24T08:00:00Z'))).toBe('monthly:2026-11');
    expect(periodId('daily', at('2026-11-24T08:00:00Z'))).toBe('daily:2026-11-24');
  });

  it('lists the UTC days of a range, inclusive', () => {
    expect(utcDay(at('2026-11-24T23:30:00-02:00'))).toBe('2026-11-25');
    expect(utcDaysBetween(at('2026-11-29T18:00:00Z'), at('2026-12-02T01:00:00Z'))).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(utcDaysBetween(at('2026-12-02T00:00:00Z'), at('2026-12-01T00:00:00Z'))).toEqual([]);
  });
});
