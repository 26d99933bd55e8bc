// The shape of config/routes.yaml, as config/routes.schema.json validates it.
import type { CompiledRule } from '../routing/policy/evaluate-rules.js';
export type ProviderName = 'anthropic' | 'google' | 'vertex' | 'openai' | 'mistral' | 'openai_compatible';

export interface RouteConfig {
  alias: string;
  provider: ProviderName;
  model: string;
  api_key_ref?: string;
  translation?: 'openai_responses_v1' | 'passthrough';
  base_url?: string;
  max_input_tokens?: number;
  max_output_tokens?: number;
  anthropic_version?: string;
  fallbacks?: string[];
  safety_settings?: string;
  prompt_cache?: 'auto' | 'off';
  project?: string;
  location?: string;
  headers?: Record<string, string>;
}

export interface GatewayConfig {
  routes: RouteConfig[];
  routing_policy?: {
    default?: string;
    rules?: { if: string; route_to: string; shadow?: boolean }[];
  };
  attributes?: Record<string, string>;
  keys?: Record<string, string | { env?: string; file?: string }>;
  auth?: {
    keys?: { id: string; key_sha256?: string; key_ref?: string; developer?: string; team?: string }[];
    admin_key_ref?: string;
  };
  budgets?: unknown[];
  alerts?: { webhook_url?: string };
  observability?: { capture_content?: boolean; semconv?: 'gen_ai' | 'openinference' | 'both' };
  server?: { heartbeat_ms?: number; body_limit?: string; upstream_timeout_ms?: number };
  reasoning_state?: { secret_ref?: string };
  pricing?: { overrides?: string };
  retries?: { attempts?: number; base_delay_ms?: number; max_delay_ms?: number; max_retry_after_ms?: number };
  evaluation?: EvaluationConfig;
}

// The eval loop (evaluators/): what runs on each turn record and how long scores are kept.
export interface EvaluationConfig {
  // Extra evaluator modules (paths relative to the config file): default export an Evaluator or Evaluator[].
  evaluators?: string[];
  // Days a turn record and its scores stay in Redis (default 30).
  retention_days?: number;
  // Records held in memory while Redis is unreachable (default 10000); older ones are dropped, counted and logged.
  buffer_limit?: number;
  // Worker concurrency (default 4).
  concurrency?: number;
  // The optional LLM judge: off unless `route` is set.
  judge?: {
    // The alias it asks (through this gateway, so the judge's own turns are traced and costed).
    route: string;
    // Where the gateway is (default $GATEWAY_URL, else http://127.0.0.1:$PORT or 4000).
    gateway_url?: string;
    // Environment variable holding a gateway key for the judge (when gateway keys are on).
    api_key_ref?: string;
    // At most this many judge calls per minute (default 10); the rest are left unjudged.
    max_per_minute?: number;
    // Share of task-ending turns judged (default 1).
    sample?: number;
  };
}

// A loaded config: the file's data plus where it came from.
export interface LoadedConfig {
  file: string;
  config: GatewayConfig;
  routesByAlias: Map<string, RouteConfig>;
  // routing_policy.rules, compiled.
  rules: CompiledRule[];
  // Problems that do not stop the gateway (a policy naming an unknown alias).
  warnings: string[];
}
