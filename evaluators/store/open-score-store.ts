// The score store for a command: Redis when REDIS_URL is set (what the worker writes),
// else none (the in-process scores live in the gateway's memory, not reachable here).
import { Redis } from 'ioredis';
import { RedisScoreStore } from './redis-score-store.js';

export function openScoreStore(env: NodeJS.ProcessEnv, retentionDays?: number): RedisScoreStore | undefined {
  if (!env.REDIS_URL) return undefined;
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3 });
  // Errors surface on the commands; the event must have a listener or Node throws.
  redis.on('error', () => {});
  return new RedisScoreStore({ redis, prefix: env.GATEWAY_REDIS_PREFIX || 'gateway', retentionDays, ownsConnection: true });
}
