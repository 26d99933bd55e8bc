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

// One routing_policy rule. A type, not an interface, so it stays assignable to
// Record<string, unknown> (code that reads rules defensively casts to it).
export type RuleConfig = {
  if: string;
  route_to: string;
  shadow?: boolean;
  // Exploration: this share (0–1) of sessions is sent to `explore_to` when the rule
  // matches and, when `if` has an input_tokens threshold, to `route_to` when a turn is
  // just outside it (within `explore_band` of it, a fraction; default 0.25).
  explore?: number;
  explore_to?: string;
  explore_band?: number;
};

export interface GatewayConfig {
  routes: RouteConfig[];
  routing_policy?: {
    default?: string;
    rules?: RuleConfig[];
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
  server?: {
    heartbeat_ms?: number;
    body_limit?: string;
    upstream_timeout_ms?: number;
    // An upstream stream silent this long is aborted and the client's stream failed (default 300000).
    idle_timeout_ms?: number;
    // On SIGTERM: how long in-flight requests may take to finish before they are ended (default 10000).
    shutdown_grace_ms?: number;
    // Largest total size of a request's headers, in bytes (default: Node's, 16384); larger gets 431.
    max_header_bytes?: number;
  };
  reasoning_state?: { secret_ref?: string };
  pricing?: { overrides?: string };
  retries?: { attempts?: number; base_delay_ms?: number; max_delay_ms?: number; max_retry_after_ms?: number };
  evaluation?: EvaluationConfig;
  optimizer?: OptimizerConfig;
}

// The weekly routing optimizer run by `gateway worker` (optimizer/weekly-optimizer.ts).
export interface OptimizerConfig {
  // false: the worker registers no schedule.
  enabled?: boolean;
  // Cron (default "0 6 * * 1": Monday 06:00) in `timezone` (default UTC).
  schedule?: string;
  timezone?: string;
  // The window of scored turns read (default 7d).
  since?: string;
  // Where proposal files go (default proposals/, relative to the git work tree if set, else to this file).
  out_dir?: string;
  target_quality?: number;
  min_samples?: number;
  tolerance?: number;
  // A Slack-compatible webhook that gets each run's summary.
  webhook_url?: string;
  // Commit each proposal on a new branch of this work tree (never pushed).
  git?: { work_tree: string; branch_prefix?: string };
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
