// TurnSummary objects for the metrics tests, with the `identity` the tracing work adds.
import type { TurnSummary } from '../../../src/pipeline/turn.js';

export function makeTurn(
  over: Partial<TurnSummary> = {},
  identity?: { developer?: string; team?: string; repo?: string; sessionId?: string },
): TurnSummary {
  const turn: TurnSummary = {
    id: 'turn-1',
    dialect: 'responses',
    alias: 'claude-opus-4-7-via-gateway',
    provider: 'anthropic',
    upstreamModel: 'claude-opus-4-7-20260420',
    passthrough: false,
    stream: true,
    status: 'completed',
    httpStatus: 200,
    usage: { inputTokens: 1000, cachedInputTokens: 400, cacheWriteTokens: 100, outputTokens: 200, reasoningTokens: 50 },
    latencyMs: 1500,
    ttftMs: 300,
    removedTools: [],
    warnings: [],
    ...over,
  };
  return identity ? (Object.assign(turn, { identity }) as TurnSummary) : turn;
}
