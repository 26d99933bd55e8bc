// Report and totals over stored counters, shared by the memory and Redis ledgers: a
// ledger supplies each day's counters for one dimension, this sums them.
import { addCounters, emptyCounters, toRow, toRows, type Counters } from './counters.js';
import { fromMicroUsd } from './counters.js';
import { PAIR_SEPARATOR, type CostSeriesPoint, type ReportQuery, type ReportRow, type StoredDimension, type TotalsQuery } from './ledger-types.js';
import { utcDaysBetween } from './periods.js';

// One day's counters under a dimension, by value ('total' → one value, '*').
export type ReadDays = (days: string[], dimension: StoredDimension) => Promise<Map<string, Counters>[]>;

export async function buildReport(read: ReadDays, query: ReportQuery, now: Date): Promise<ReportRow[]> {
  const days = utcDaysBetween(query.since, query.until ?? now);
  if (query.by === 'day') {
    const perDay = await read(days, 'total');
    const byKey = new Map<string, Counters>();
    days.forEach((day, i) => {
      const c = perDay[i]?.get('*');
      if (c && c.turns > 0) byKey.set(day, c);
    });
    return toRows(byKey, true);
  }
  const perDay = await read(days, query.by);
  const byKey = new Map<string, Counters>();
  for (const day of perDay) {
    for (const [value, c] of day) {
      let into = byKey.get(value);
      if (!into) byKey.set(value, (into = emptyCounters()));
      addCounters(into, c);
    }
  }
  return toRows(byKey, false);
}

export async function buildTotals(read: ReadDays, query: TotalsQuery, now: Date): Promise<ReportRow> {
  const days = utcDaysBetween(query.since, query.until ?? now);
  const sum = emptyCounters();
  for (const day of await read(days, query.dimension)) {
    const c = day.get(query.value);
    if (c) addCounters(sum, c);
  }
  return toRow(query.value, sum);
}

export async function buildCostSeries(read: ReadDays, query: { since: Date; until?: Date }, now: Date): Promise<CostSeriesPoint[]> {
  const days = utcDaysBetween(query.since, query.until ?? now);
  const perDay = await read(days, 'developer_model');
  const points: CostSeriesPoint[] = [];
  days.forEach((day, i) => {
    for (const [pair, c] of perDay[i] ?? []) {
      const sep = pair.indexOf(PAIR_SEPARATOR);
      points.push({ day, developer: pair.slice(0, sep), model: pair.slice(sep + 1), turns: c.turns, costUsd: fromMicroUsd(c.cost_micro), unpricedTurns: c.unpriced });
    }
  });
  return points.sort((a, b) => (a.day !== b.day ? (a.day < b.day ? -1 : 1) : a.developer !== b.developer ? (a.developer < b.developer ? -1 : 1) : a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}
