// Picks the Redis ledger and budget store when REDIS_URL is set, in-memory otherwise,
// and says which once.
import { Redis } from 'ioredis';
import type { BudgetStore } from './budget-store.js';
import { Budgets, type BudgetsConfig } from './budgets.js';
import type { UsageLedger } from './ledger-types.js';
import { MemoryBudgetStore } from './memory-budget-store.js';
import { MemoryLedger } from './memory-ledger.js';
import { RedisBudgetStore } from './redis-budget-store.js';
import { RedisLedger } from './redis-ledger.js';
import type { AlertLogger } from './send-alert.js';

export interface UsageEnv {
  REDIS_URL?: string;
  // Key prefix in Redis (default 'gateway').
  GATEWAY_REDIS_PREFIX?: string;
}

export interface CreateUsageOptions {
  logger: AlertLogger;
  prefix?: string;
  now?: () => Date;
  // Share a connection instead of opening one (it is then not closed here).
  redis?: Redis;
}

function connect(url: string, logger: AlertLogger): Redis {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.error({ err: err.message }, 'usage: Redis connection error (ledger and budgets unavailable until it reconnects)');
    down = true;
  });
  redis.on('ready', () => {
    down = false;
  });
  return redis;
}

// Redis URLs can carry a password: log without it.
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

export function createLedger(env: UsageEnv, opts: CreateUsageOptions): UsageLedger {
  const prefix = opts.prefix ?? env.GATEWAY_REDIS_PREFIX ?? 'gateway';
  if (env.REDIS_URL || opts.redis) {
    const redis = opts.redis ?? connect(env.REDIS_URL!, opts.logger);
    opts.logger.info({ ledger: 'redis', redis: env.REDIS_URL ? safeUrl(env.REDIS_URL) : undefined, prefix }, 'usage ledger: Redis (shared by every replica)');
    return new RedisLedger({ redis, prefix, now: opts.now, ownsConnection: !opts.redis });
  }
  opts.logger.info({ ledger: 'memory' }, 'usage ledger: in memory (REDIS_URL is not set; one process only, lost on restart)');
  return new MemoryLedger({ now: opts.now });
}

export interface UsageState {
  ledger: UsageLedger;
  budgets: Budgets;
  close(): Promise<void>;
}

// The ledger and budgets on one Redis connection (or both in memory).
export function createUsage(env: UsageEnv, config: () => BudgetsConfig, opts: CreateUsageOptions): UsageState {
  const prefix = opts.prefix ?? env.GATEWAY_REDIS_PREFIX ?? 'gateway';
  const redis = opts.redis ?? (env.REDIS_URL ? connect(env.REDIS_URL, opts.logger) : undefined);
  const ledger = createLedger(env, { ...opts, prefix, redis });
  const store: BudgetStore = redis ? new RedisBudgetStore({ redis, prefix }) : new MemoryBudgetStore();
  const budgets = new Budgets({ store, config, logger: opts.logger, now: opts.now });
  return {
    ledger,
    budgets,
    async close() {
      await budgets.close();
      await ledger.close();
      if (redis && !opts.redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
