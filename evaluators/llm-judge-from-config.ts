// The LLM judge as configured (`evaluation.judge`): absent → no judge (it is off by
// default, since every judged turn is a paid model call).
import type { GatewayConfig } from '../src/config/types.js';
import { createLlmJudge, type LlmJudge } from './llm-judge.js';

export function llmJudgeFromConfig(config: GatewayConfig, env: NodeJS.ProcessEnv): LlmJudge | undefined {
  const judge = config.evaluation?.judge;
  if (!judge?.route) return undefined;
  // The worker usually runs beside the gateway; $GATEWAY_URL points it elsewhere.
  const gatewayUrl = judge.gateway_url ?? env.GATEWAY_URL ?? `http://127.0.0.1:${env.PORT ?? 4000}`;
  let apiKey: string | undefined;
  if (judge.api_key_ref) {
    // The variable's exact name (like auth.keys[].key_ref), not upper-cased as a
    // route's api_key_ref is. A named but empty key fails at start-up, not on every
    // judged turn with a 401.
    apiKey = env[judge.api_key_ref];
    if (!apiKey) throw new Error(`evaluation.judge.api_key_ref: the environment variable ${judge.api_key_ref} is not set (or empty)`);
  }
  return createLlmJudge({
    route: judge.route,
    gatewayUrl,
    apiKey,
    maxPerMinute: judge.max_per_minute,
    sample: judge.sample,
  });
}
