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
