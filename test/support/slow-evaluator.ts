// A test evaluator that hangs on its first attempt at a turn (so a test can kill the
// worker mid-job) and answers at once on the next. Attempts are counted in Redis.
import { Redis } from 'ioredis';
import type { Evaluator } from '../../evaluators/evaluator.js';

let redis: Redis | undefined;

const slowProbe: Evaluator = {
  name: 'slow_probe',
  async evaluate(record) {
    redis ??= new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const attempt = await redis.incr(`slow-probe:${record.id}`);
    await redis.expire(`slow-probe:${record.id}`, 600);
    if (attempt === 1) await new Promise((r) => setTimeout(r, 60_000));
    return { name: 'slow_probe', score: 1, label: 'ok', explanation: `attempt ${attempt}` };
  },
};

export default slowProbe;

export async function closeProbe(): Promise<void> {
  await redis?.quit();
  redis = undefined;
}
