// Budget counters in Redis, shared by every replica. Reserve and settle are each one
// Lua script over all of a request's lines, so concurrent admissions on any replica
// cannot both take the last headroom, and a soft alert is marked (SET NX, expiring at
// the period's end) by exactly one settle.
import type { Redis } from 'ioredis';
import { COUNTER_GRACE_MS, type BudgetLine, type BudgetStore, type ReserveResult, type SettleLineResult } from './budget-store.js';

// KEYS: counter hashes. ARGV: estimate, then per key its hard limit, then per key its TTL (ms).
const RESERVE = `
local n = #KEYS
local est = tonumber(ARGV[1])
for i = 1, n do
  local hard = tonumber(ARGV[1 + i])
  local spent = tonumber(redis.call('HGET', KEYS[i], 'spent') or '0')
  local reserved = tonumber(redis.call('HGET', KEYS[i], 'reserved') or '0')
  local used = spent + reserved
  if used >= hard or used + est > hard then return {i, spent, reserved} end
end
for i = 1, n do
  redis.call('HINCRBY', KEYS[i], 'reserved', est)
  redis.call('PEXPIRE', KEYS[i], ARGV[1 + n + i])
end
return {0}
`;

// KEYS: n counter hashes, then n alert markers. ARGV: reserved, actual, then per line
// its soft threshold (negative: none), counter TTL, alert TTL (ms; 0: period over).
const SETTLE = `
local n = #KEYS / 2
local reserved = tonumber(ARGV[1])
local actual = tonumber(ARGV[2])
local out = {}
for i = 1, n do
  local r = redis.call('HINCRBY', KEYS[i], 'reserved', -reserved)
  if r < 0 then redis.call('HSET', KEYS[i], 'reserved', 0) end
  local spent = redis.call('HINCRBY', KEYS[i], 'spent', actual)
  redis.call('PEXPIRE', KEYS[i], ARGV[2 + n + i])
  local crossed = 0
  local soft = tonumber(ARGV[2 + i])
  local alertTtl = tonumber(ARGV[2 + 2 * n + i])
  if soft >= 0 and spent >= soft and alertTtl > 0 then
    if redis.call('SET', KEYS[n + i], '1', 'NX', 'PX', alertTtl) then crossed = 1 end
  end
  out[#out + 1] = spent
  out[#out + 1] = crossed
end
return out
`;

type Scripted = Redis & {
  gatewayBudgetReserve(...args: (string | number)[]): Promise<number[]>;
  gatewayBudgetSettle(...args: (string | number)[]): Promise<number[]>;
};

export class RedisBudgetStore implements BudgetStore {
  readonly kind = 'redis' as const;
  private readonly redis: Scripted;
  private readonly prefix: string;
  private readonly ownsConnection: boolean;

  constructor(opts: { redis: Redis; prefix?: string; ownsConnection?: boolean }) {
    const redis = opts.redis as Scripted;
    // defineCommand sends EVALSHA, falling back to EVAL once per connection.
    if (typeof redis.gatewayBudgetReserve !== 'function') redis.defineCommand('gatewayBudgetReserve', { lua: RESERVE });
    if (typeof redis.gatewayBudgetSettle !== 'function') redis.defineCommand('gatewayBudgetSettle', { lua: SETTLE });
    this.redis = redis;
    this.prefix = opts.prefix ?? 'gateway';
    this.ownsConnection = opts.ownsConnection ?? false;
  }

  counterKey(line: BudgetLine): string {
    return `${this.prefix}:budget:${line.id}`;
  }

  alertKey(line: BudgetLine): string {
    return `${this.prefix}:budget-alert:${line.id}`;
  }

  async reserve(lines: BudgetLine[], estimateMicro: number, nowMs: number): Promise<ReserveResult> {
    if (lines.length === 0) return { ok: true };
    const keys = lines.map((l) => this.counterKey(l));
    const ttl = lines.map((l) => Math.max(1000, l.periodEndMs + COUNTER_GRACE_MS - nowMs));
    const res = await this.redis.gatewayBudgetReserve(keys.length, ...keys, estimateMicro, ...lines.map((l) => l.hardMicro), ...ttl);
    const index = Number(res[0]);
    if (index === 0) return { ok: true };
    return { ok: false, index: index - 1, spentMicro: Number(res[1]), reservedMicro: Number(res[2]) };
  }

  async settle(lines: BudgetLine[], reservedMicro: number, actualMicro: number, nowMs: number): Promise<SettleLineResult[]> {
    if (lines.length === 0) return [];
    const keys = [...lines.map((l) => this.counterKey(l)), ...lines.map((l) => this.alertKey(l))];
    const args = [
      reservedMicro,
      actualMicro,
      ...lines.map((l) => l.softMicro),
      ...lines.map((l) => Math.max(1000, l.periodEndMs + COUNTER_GRACE_MS - nowMs)),
      ...lines.map((l) => Math.max(0, l.periodEndMs - nowMs)),
    ];
    const res = await this.redis.gatewayBudgetSettle(keys.length, ...keys, ...args);
    return lines.map((_, i) => ({ spentMicro: Number(res[2 * i]), softCrossed: Number(res[2 * i + 1]) === 1 }));
  }

  async read(line: BudgetLine): Promise<{ spentMicro: number; reservedMicro: number }> {
    const [spent, reserved] = await this.redis.hmget(this.counterKey(line), 'spent', 'reserved');
    return { spentMicro: Number(spent ?? 0), reservedMicro: Number(reserved ?? 0) };
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
