// Which upstream failures are worth another try, and how long to wait first:
// exponential backoff with full jitter (AWS's "Exponential Backoff And Jitter"), and the
// upstream's own Retry-After when it gives one and it is short enough to wait here.
import type { GatewayConfig } from '../config/types.js';
import type { GatewayError } from '../http/errors.js';

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504, 529]);

export interface RetrySettings {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

export function retrySettings(config: GatewayConfig): RetrySettings {
  const r = config.retries ?? {};
  return {
    attempts: r.attempts ?? 2,
    baseDelayMs: r.base_delay_ms ?? 500,
    maxDelayMs: r.max_delay_ms ?? 8000,
    maxRetryAfterMs: r.max_retry_after_ms ?? 20_000,
  };
}

// Connection failures come as 502/504 from postUpstream; a missing key (500
// upstream_key_missing) will not heal by waiting, but another route may have one.
export function isRetryable(error: GatewayError): boolean {
  return RETRYABLE_STATUS.has(error.status) && error.code !== 'upstream_key_missing';
}

export function canFallBack(error: GatewayError): boolean {
  return isRetryable(error) || error.code === 'upstream_key_missing';
}

// The wait before retry number `retry` (0-based), or undefined when the upstream asked
// for longer than we are willing to hold the client.
export function retryDelayMs(error: GatewayError, retry: number, s: RetrySettings, random = Math.random): number | undefined {
  const retryAfter = retryAfterMs(error.headers['retry-after']);
  if (retryAfter !== undefined) return retryAfter <= s.maxRetryAfterMs ? retryAfter : undefined;
  return Math.round(random() * Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** retry));
}

// Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3).
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
