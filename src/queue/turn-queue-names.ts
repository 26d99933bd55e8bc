// Shared by the gateway (producer) and `gateway worker` (consumer).
export const TURN_QUEUE = 'turns';

// BullMQ's key prefix: under the gateway's Redis prefix (GATEWAY_REDIS_PREFIX, default
// 'gateway'), so several gateways can share one Redis.
export function bullPrefix(env: { GATEWAY_REDIS_PREFIX?: string }): string {
  return `${env.GATEWAY_REDIS_PREFIX || 'gateway'}:bull`;
}

// Every turn job: retried with backoff (an evaluator's I/O can fail), kept a while for
// inspection. The job id is the turn id: adding a record twice adds one job.
export const TURN_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
