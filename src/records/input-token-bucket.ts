// Input-token buckets: the x-axis of every quality and cost aggregate, and what the
// optimizer moves thresholds along. 1k wide up to 32k (where coding turns and most
// thresholds live), 8k wide up to 128k, 32k wide beyond. A bucket is named by its
// lower bound, so `input_tokens < N` splits buckets cleanly when N is on a boundary.
export function inputTokenBucket(tokens: number): number {
  const t = Math.max(0, Math.floor(tokens));
  if (t < 32_000) return Math.floor(t / 1000) * 1000;
  if (t < 128_000) return Math.floor(t / 8000) * 8000;
  return Math.floor(t / 32_000) * 32_000;
}

// The tokens a turn is bucketed by: the provider's count, else the gateway's estimate.
export function recordInputTokens(r: { usage?: { inputTokens: number }; inputTokensEstimate?: number }): number {
  return r.usage?.inputTokens ?? r.inputTokensEstimate ?? 0;
}
