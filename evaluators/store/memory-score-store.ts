// The score store in memory: the in-process eval loop without REDIS_URL (one process,
// lost on restart). Same semantics as the Redis store; instead of expiry, the oldest
// turns (and session links) are forgotten beyond a bound, so a busy gateway's memory
// stays flat. Aggregates are small (per day × route × bucket) and kept.
import type { TurnRecord } from '../../src/records/turn-record.js';
import { inputTokenBucket, recordInputTokens } from '../../src/records/input-token-bucket.js';
import type { ToolOutcome, Verdict } from '../evaluator.js';
import { aggregateCells, dayOf, daysBetween, parseAggregateFields, type AggregateDimension, type AggregateRow, type ScoreStore, type StoredVerdict } from './score-store.js';

export class MemoryScoreStore implements ScoreStore {
  // Turns kept (records and verdicts), and session links kept (default 20,000 and 100,000).
  constructor(private readonly limits: { turns?: number; links?: number } = {}) {}

  private readonly records = new Map<string, TurnRecord>();
  private readonly verdicts = new Map<string, Map<string, string>>();
  // `${day}:${dimension}` → field → value
  private readonly aggs = new Map<string, Map<string, number>>();
  private readonly kv = new Map<string, string>();

  async saveRecord(record: TurnRecord): Promise<boolean> {
    if (this.records.has(record.id)) return false;
    this.records.set(record.id, record);
    // Maps iterate in insertion order: the first keys are the oldest.
    for (const id of this.records.keys()) {
      if (this.records.size <= (this.limits.turns ?? 20_000)) break;
      this.records.delete(id);
      this.verdicts.delete(id);
    }
    const field = `${record.route.alias}|${inputTokenBucket(recordInputTokens(record))}`;
    this.add(`${dayOf(record.at)}:route`, `${field}|turns`, 1);
    if (typeof record.costUsd === 'number') this.add(`${dayOf(record.at)}:route`, `${field}|cost`, record.costUsd);
    return true;
  }

  async getRecord(id: string): Promise<TurnRecord | undefined> {
    return this.records.get(id);
  }

  async getVerdicts(id: string): Promise<Record<string, StoredVerdict>> {
    const out: Record<string, StoredVerdict> = {};
    for (const [k, v] of this.verdicts.get(id) ?? []) out[k] = JSON.parse(v);
    return out;
  }

  async setVerdict(record: TurnRecord, name: string, verdict: Verdict | null): Promise<boolean> {
    const held = this.verdicts.get(record.id) ?? new Map<string, string>();
    const old = held.get(name);
    const json = verdict ? JSON.stringify(verdict) : undefined;
    if (old === json) return false;
    let dn = 0;
    let dsum = 0;
    if (old !== undefined) {
      dn--;
      dsum -= (JSON.parse(old) as Verdict).score;
    }
    if (json !== undefined) {
      held.set(name, json);
      dn++;
      dsum += verdict!.score;
    } else held.delete(name);
    this.verdicts.set(record.id, held);
    const day = dayOf(record.at);
    for (const [dim, field] of aggregateCells(record, inputTokenBucket(recordInputTokens(record)))) {
      this.add(`${day}:${dim}`, `${field}|${name}|n`, dn);
      this.add(`${day}:${dim}`, `${field}|${name}|sum`, dsum);
    }
    return true;
  }

  async saveOutcomes(session: string, outcomes: ReadonlyMap<string, ToolOutcome>): Promise<void> {
    for (const [id, o] of outcomes) this.link(`o:${session}:${id}`, JSON.stringify(o));
  }

  async getOutcomes(session: string, callIds: string[]): Promise<Map<string, ToolOutcome>> {
    const out = new Map<string, ToolOutcome>();
    for (const id of callIds) {
      const v = this.kv.get(`o:${session}:${id}`);
      if (v) out.set(id, JSON.parse(v));
    }
    return out;
  }

  async registerCalls(session: string, callIds: string[], turnId: string): Promise<void> {
    for (const id of callIds) this.link(`c:${session}:${id}`, turnId);
  }

  async callOwners(session: string, callIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of callIds) {
      const v = this.kv.get(`c:${session}:${id}`);
      if (v) out.set(id, v);
    }
    return out;
  }

  async swapTaskHolder(session: string, task: string, turnId: string): Promise<string | undefined> {
    const key = `t:${session}:${task}`;
    const old = this.kv.get(key);
    this.link(key, turnId);
    return old;
  }

  async getLastTask(session: string): Promise<string | undefined> {
    return this.kv.get(`l:${session}`);
  }

  async setLastTask(session: string, turnId: string): Promise<void> {
    this.link(`l:${session}`, turnId);
  }

  async markRetried(turnId: string): Promise<void> {
    this.link(`r:${turnId}`, '1');
  }

  async isRetried(turnId: string): Promise<boolean> {
    return this.kv.has(`r:${turnId}`);
  }

  async *listTurns(since: Date, until: Date): AsyncIterable<{ record: TurnRecord; verdicts: Record<string, StoredVerdict> }> {
    const inRange = [...this.records.values()].filter((r) => {
      const t = Date.parse(r.at);
      return t >= since.getTime() && t < until.getTime();
    });
    inRange.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (const record of inRange) yield { record, verdicts: await this.getVerdicts(record.id) };
  }

  async aggregates(dimension: AggregateDimension, since: Date, until: Date): Promise<AggregateRow[]> {
    const rows: AggregateRow[] = [];
    for (const day of daysBetween(since, until)) {
      const fields = this.aggs.get(`${day}:${dimension}`);
      if (fields) rows.push(...parseAggregateFields(day, dimension, Object.fromEntries([...fields].map(([k, v]) => [k, String(v)]))));
    }
    return rows;
  }

  async close(): Promise<void> {}

  private link(key: string, value: string): void {
    this.kv.delete(key);
    this.kv.set(key, value);
    for (const k of this.kv.keys()) {
      if (this.kv.size <= (this.limits.links ?? 100_000)) break;
      this.kv.delete(k);
    }
  }

  private add(key: string, field: string, by: number): void {
    if (by === 0) return;
    const h = this.aggs.get(key) ?? new Map<string, number>();
    h.set(field, (h.get(field) ?? 0) + by);
    this.aggs.set(key, h);
  }
}
