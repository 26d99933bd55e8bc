// The ledger in Redis, shared by every gateway replica. One hash per (UTC day,
// dimension) with fields `${counter}|${value}` (dimensions: developer, team, key, repo,
// route, model, developer_model, total); each add is one MULTI of HINCRBYs
// (cost in integer micro-dollars), so concurrent adds from any number of replicas sum
// exactly. Keys expire after `retentionDays`.
import type { Redis } from 'ioredis';
import { buildCostSeries, buildReport, buildTotals, type ReadDays } from './aggregate-report.js';
import { COUNTER_FIELDS, dimensionValues, emptyCounters, entryCounters, type CounterField, type Counters } from './counters.js';
import type { CostSeriesPoint, LedgerEntry, ReportQuery, ReportRow, StoredDimension, TotalsQuery, UsageLedger } from './ledger-types.js';
import { utcDay } from './periods.js';

export interface RedisLedgerOptions {
  redis: Redis;
  // Key prefix: `${prefix}:ledger:${day}:${dimension}`.
  prefix?: string;
  retentionDays?: number;
  now?: () => Date;
  // Close the connection on close() (when the ledger created it).
  ownsConnection?: boolean;
}

const COUNTER_SET = new Set<string>(COUNTER_FIELDS);

export class RedisLedger implements UsageLedger {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly retentionMs: number;
  private readonly now: () => Date;
  private readonly ownsConnection: boolean;

  constructor(opts: RedisLedgerOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix ?? 'gateway';
    this.retentionMs = (opts.retentionDays ?? 400) * 86_400_000;
    this.now = opts.now ?? (() => new Date());
    this.ownsConnection = opts.ownsConnection ?? false;
  }

  key(day: string, dimension: StoredDimension): string {
    return `${this.prefix}:ledger:${day}:${dimension}`;
  }

  async add(entry: LedgerEntry): Promise<void> {
    const day = utcDay(entry.at);
    const inc = entryCounters(entry);
    const fields = COUNTER_FIELDS.filter((f) => inc[f] !== 0);
    const tx = this.redis.multi();
    for (const [dim, value] of dimensionValues(entry)) {
      const k = this.key(day, dim);
      for (const f of fields) tx.hincrby(k, `${f}|${value}`, inc[f]);
      tx.pexpire(k, this.retentionMs);
    }
    const results = await tx.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw new Error(`usage ledger: Redis transaction failed${failed?.[0] ? `: ${failed[0].message}` : ''}`);
  }

  private readonly read: ReadDays = async (days, dimension) => {
    if (days.length === 0) return [];
    const p = this.redis.pipeline();
    for (const day of days) p.hgetall(this.key(day, dimension));
    const results = (await p.exec()) ?? [];
    return results.map(([err, raw]) => {
      if (err) throw err;
      const byValue = new Map<string, Counters>();
      for (const [field, n] of Object.entries((raw ?? {}) as Record<string, string>)) {
        const bar = field.indexOf('|');
        const counter = field.slice(0, bar);
        if (bar < 0 || !COUNTER_SET.has(counter)) continue;
        const value = field.slice(bar + 1);
        let c = byValue.get(value);
        if (!c) byValue.set(value, (c = emptyCounters()));
        c[counter as CounterField] += Number(n);
      }
      return byValue;
    });
  };

  report(query: ReportQuery): Promise<ReportRow[]> {
    return buildReport(this.read, query, this.now());
  }

  costSeries(query: { since: Date; until?: Date }): Promise<CostSeriesPoint[]> {
    return buildCostSeries(this.read, query, this.now());
  }

  totals(query: TotalsQuery): Promise<ReportRow> {
    return buildTotals(this.read, query, this.now());
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
