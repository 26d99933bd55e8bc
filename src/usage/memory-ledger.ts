// The ledger in this process's memory: for a single gateway without REDIS_URL.
import { buildCostSeries, buildReport, buildTotals, type ReadDays } from './aggregate-report.js';
import { addCounters, dimensionValues, emptyCounters, entryCounters, type Counters } from './counters.js';
import type { CostSeriesPoint, LedgerEntry, ReportQuery, ReportRow, TotalsQuery, UsageLedger } from './ledger-types.js';
import { utcDay } from './periods.js';

export class MemoryLedger implements UsageLedger {
  readonly kind = 'memory' as const;
  // `${day}|${dimension}` → value → counters.
  private readonly data = new Map<string, Map<string, Counters>>();
  private readonly now: () => Date;

  constructor(opts: { now?: () => Date } = {}) {
    this.now = opts.now ?? (() => new Date());
  }

  async add(entry: LedgerEntry): Promise<void> {
    const day = utcDay(entry.at);
    const inc = entryCounters(entry);
    for (const [dim, value] of dimensionValues(entry)) {
      const k = `${day}|${dim}`;
      let byValue = this.data.get(k);
      if (!byValue) this.data.set(k, (byValue = new Map()));
      let c = byValue.get(value);
      if (!c) byValue.set(value, (c = emptyCounters()));
      addCounters(c, inc);
    }
  }

  private readonly read: ReadDays = async (days, dimension) => days.map((day) => this.data.get(`${day}|${dimension}`) ?? new Map());

  report(query: ReportQuery): Promise<ReportRow[]> {
    return buildReport(this.read, query, this.now());
  }

  costSeries(query: { since: Date; until?: Date }): Promise<CostSeriesPoint[]> {
    return buildCostSeries(this.read, query, this.now());
  }

  totals(query: TotalsQuery): Promise<ReportRow> {
    return buildTotals(this.read, query, this.now());
  }

  async close(): Promise<void> {}
}
