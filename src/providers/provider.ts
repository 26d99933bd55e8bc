// What every provider adapter offers the turn pipeline.
import type { Event, ProviderFamily, Request } from '../canonical/types.js';
import type { GatewayConfig, RouteConfig } from '../config/types.js';
import type { HttpClient } from '../upstream/http-client.js';

export interface CallContext {
  route: RouteConfig;
  config: GatewayConfig;
  http: HttpClient;
  // Aborted when the client goes away: the upstream request is cancelled with it.
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export interface ProviderCall {
  // Canonical events, pulled from the upstream as the client consumes them.
  events: AsyncIterable<Event>;
  // Approximations made while translating the request (recorded on the turn).
  warnings: string[];
}

export interface ProviderAdapter {
  // Resolves once the upstream answered 2xx, so that a failure before the first byte
  // is still an HTTP status for the client (and, later, a retry or fallback).
  // Rejects with a GatewayError otherwise.
  call(req: Request, ctx: CallContext): Promise<ProviderCall>;
}

export const DEFAULT_BASE_URLS: Record<string, string> = {
  openai: 'https://api.openai.com/v1',
  mistral: 'https://api.mistral.ai/v1',
  anthropic: 'https://api.anthropic.com',
  google: 'https://generativelanguage.googleapis.com',
};

export function baseUrl(route: RouteConfig): string {
  const url = route.base_url ?? DEFAULT_BASE_URLS[route.provider];
  return url.replace(/\/+$/, '');
}

// Which family can read a route's sealed reasoning state (Vertex serves Gemini).
export function familyOf(route: RouteConfig): ProviderFamily {
  return route.provider === 'vertex' ? 'google' : route.provider;
}
