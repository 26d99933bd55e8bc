// The score store in Redis: shared by every worker and replica. Keys (prefix p):
//   p:eval:turn:<id>            the turn record (JSON), expires after the retention
//   p:eval:verdicts:<id>        hash: <name> → verdict JSON, <name>:score → score
//   p:eval:turns                sorted set: turn id by end time (export, listing)
//   p:eval:agg:<day>:<dim>      hash: aggregate fields (see parseAggregateFields)
//   p:eval:s:<session>:…        outcomes, call owners, task holders, last task
// Writes that must happen together (a record and its counts; a verdict and the
// aggregate delta) are one Lua script, so a worker killed mid-job leaves no half state.
import type { Redis } from 'ioredis';
import type { TurnRecord } from '../../src/records/turn-record.js';
import { inputTokenBucket, recordInputTokens } from '../../src/records/input-token-bucket.js';
import type { ToolOutcome, Verdict } from '../evaluator.js';
import { aggregateCells, dayOf, daysBetween, parseAggregateFields, type AggregateDimension, type AggregateRow, type ScoreStore, type StoredVerdict } from './score-store.js';

// KEYS: record, index, route aggregate. ARGV: json, ttl s, id, time ms, field prefix, cost ('' unpriced).
const SAVE_RECORD = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) == false then return 0 end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
redis.call('HINCRBY', KEYS[3], ARGV[5] .. '|turns', 1)
if ARGV[6] ~= '' then redis.call('HINCRBYFLOAT', KEYS[3], ARGV[5] .. '|cost', ARGV[6]) end
redis.call('EXPIRE', KEYS[3], ARGV[2])
return 1`;

// KEYS: verdicts hash, then one aggregate hash per cell. ARGV: name, json ('' removes),
// score, ttl s, then one field prefix per cell.
const SET_VERDICT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if (old == false and ARGV[2] == '') or old == ARGV[2] then return 0 end
local oldScore = tonumber(redis.call('HGET', KEYS[1], ARGV[1] .. ':score'))
local dn, dsum = 0, 0
if oldScore then dn = dn - 1; dsum = dsum - oldScore end
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1], ARGV[1] .. ':score')
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], ARGV[1] .. ':score', ARGV[3])
  dn = dn + 1; dsum = dsum + tonumber(ARGV[3])
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
for i = 2, #KEYS do
  local f = ARGV[3 + i] .. '|' .. ARGV[1]
  if dn ~= 0 then redis.call('HINCRBY', KEYS[i], f .. '|n', dn) end
  if dsum ~= 0 then redis.call('HINCRBYFLOAT', KEYS[i], f .. '|sum', tostring(dsum)) end
  redis.call('EXPIRE', KEYS[i], ARGV[4])
end
return 1`;

// KEYS: holder key. ARGV: turn id, ttl. Returns the previous holder.
const SWAP = `
local old = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return old`;

export interface RedisScoreStoreOptions {
  redis: Redis;
  prefix?: string;
  retentionDays?: number;
  // Close the connection with the store (it was opened for it).
  ownsConnection?: boolean;
}

export class RedisScoreStore implements ScoreStore {
  private readonly redis: Redis;
  private readonly p: string;
  private readonly ttl: number;

  constructor(private readonly opts: RedisScoreStoreOptions) {
    this.redis = opts.redis;
    this.p = `${opts.prefix ?? 'gateway'}:eval`;
    this.ttl = Math.round((opts.retentionDays ?? 30) * 86400);
  }

  async saveRecord(record: TurnRecord): Promise<boolean> {
    const bucket = inputTokenBucket(recordInputTokens(record));
    const cost = typeof record.costUsd === 'number' ? String(record.costUsd) : '';
    const saved = await this.redis.eval(
      SAVE_RECORD,
      3,
      `${this.p}:turn:${record.id}`,
      `${this.p}:turns`,
      `${this.p}:agg:${dayOf(record.at)}:route`,
      JSON.stringify(record),
      this.ttl,
      record.id,
      Date.parse(record.at),
      `${record.route.alias}|${bucket}`,
      cost,
    );
    return saved === 1;
  }

  async getRecord(id: string): Promise<TurnRecord | undefined> {
    const json = await this.redis.get(`${this.p}:turn:${id}`);
    return json ? (JSON.parse(json) as TurnRecord) : undefined;
  }

  async getVerdicts(id: string): Promise<Record<string, StoredVerdict>> {
    const all = await this.redis.hgetall(`${this.p}:verdicts:${id}`);
    const out: Record<string, StoredVerdict> = {};
    for (const [k, v] of Object.entries(all)) if (!k.endsWith(':score')) out[k] = JSON.parse(v);
    return out;
  }

  async setVerdict(record: TurnRecord, name: string, verdict: Verdict | null): Promise<boolean> {
    const bucket = inputTokenBucket(recordInputTokens(record));
    const cells = aggregateCells(record, bucket);
    const day = dayOf(record.at);
    // The stored JSON is compared to decide "unchanged": keep it free of timestamps.
    const json = verdict ? JSON.stringify(verdict) : '';
    const changed = await this.redis.eval(
      SET_VERDICT,
      1 + cells.length,
      `${this.p}:verdicts:${record.id}`,
      ...cells.map(([dim]) => `${this.p}:agg:${day}:${dim}`),
      name,
      json,
      verdict ? String(verdict.score) : '',
      this.ttl,
      ...cells.map(([, field]) => field),
    );
    return changed === 1;
  }

  async saveOutcomes(session: string, outcomes: ReadonlyMap<string, ToolOutcome>): Promise<void> {
    if (outcomes.size === 0) return;
    const key = `${this.p}:s:${session}:outcomes`;
    await this.redis
      .multi()
      .hset(key, Object.fromEntries([...outcomes].map(([id, o]) => [id, JSON.stringify(o)])))
      .expire(key, this.ttl)
      .exec();
  }

  async getOutcomes(session: string, callIds: string[]): Promise<Map<string, ToolOutcome>> {
    const out = new Map<string, ToolOutcome>();
    if (callIds.length === 0) return out;
    const values = await this.redis.hmget(`${this.p}:s:${session}:outcomes`, ...callIds);
    values.forEach((v, i) => v && out.set(callIds[i], JSON.parse(v)));
    return out;
  }

  async registerCalls(session: string, callIds: string[], turnId: string): Promise<void> {
    if (callIds.length === 0) return;
    const key = `${this.p}:s:${session}:calls`;
    await this.redis
      .multi()
      .hset(key, Object.fromEntries(callIds.map((id) => [id, turnId])))
      .expire(key, this.ttl)
      .exec();
  }

  async callOwners(session: string, callIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (callIds.length === 0) return out;
    const values = await this.redis.hmget(`${this.p}:s:${session}:calls`, ...callIds);
    values.forEach((v, i) => v && out.set(callIds[i], v));
    return out;
  }

  async swapTaskHolder(session: string, task: string, turnId: string): Promise<string | undefined> {
    const old = (await this.redis.eval(SWAP, 1, `${this.p}:s:${session}:task:${task}`, turnId, this.ttl)) as string | null;
    return old ?? undefined;
  }

  async getLastTask(session: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.p}:s:${session}:last-task`)) ?? undefined;
  }

  async setLastTask(session: string, turnId: string): Promise<void> {
    await this.redis.set(`${this.p}:s:${session}:last-task`, turnId, 'EX', this.ttl);
  }

  async markRetried(turnId: string): Promise<void> {
    await this.redis.set(`${this.p}:retried:${turnId}`, '1', 'EX', this.ttl);
  }

  async isRetried(turnId: string): Promise<boolean> {
    return (await this.redis.exists(`${this.p}:retried:${turnId}`)) === 1;
  }

  async *listTurns(since: Date, until: Date): AsyncIterable<{ record: TurnRecord; verdicts: Record<string, StoredVerdict> }> {
    const page = 500;
    for (let offset = 0; ; offset += page) {
      const ids = await this.redis.zrangebyscore(`${this.p}:turns`, since.getTime(), `(${until.getTime()}`, 'LIMIT', offset, page);
      for (const id of ids) {
        const record = await this.getRecord(id);
        // Expired records leave their index entry behind until the index is trimmed.
        if (record) yield { record, verdicts: await this.getVerdicts(id) };
      }
      if (ids.length < page) break;
    }
    // Trim index entries older than the retention while we are here.
    await this.redis.zremrangebyscore(`${this.p}:turns`, 0, Date.now() - this.ttl * 1000);
  }

  async aggregates(dimension: AggregateDimension, since: Date, until: Date): Promise<AggregateRow[]> {
    const rows: AggregateRow[] = [];
    for (const day of daysBetween(since, until)) {
      const fields = await this.redis.hgetall(`${this.p}:agg:${day}:${dimension}`);
      rows.push(...parseAggregateFields(day, dimension, fields));
    }
    return rows;
  }

  async close(): Promise<void> {
    if (this.opts.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
