// Gemini `finishReason` → canonical finish reason, or a failure.
// https://ai.google.dev/api/generate-content#FinishReason
//
// - Gemini has no tool-call finish reason: a response with function calls ends with STOP
//   (google-tool-call.chunks.txt), which becomes `tool_calls` so clients run them.
// - Blocked output (SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII, LANGUAGE and the
//   image variants) → `content_filter`: the Responses stream ends `response.incomplete` with
//   `incomplete_details.reason: "content_filter"` (what OpenAI sends for filtered output),
//   Chat gets `finish_reason: "content_filter"`; whatever streamed before is kept.
// - A function call Gemini could not produce (MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL,
//   TOO_MANY_TOOL_CALLS, MISSING_THOUGHT_SIGNATURE) is a failure: finishing "normally" would
//   leave an agent waiting for a call that never came.
// - OTHER and unknown values end the turn normally; the raw value travels beside it.
import type { FinishReason } from '../../canonical/types.js';

export type GeminiFinish = { reason: FinishReason } | { error: { code: string; message: string } };

const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'LANGUAGE',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

const FAILED_CALL = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS', 'MISSING_THOUGHT_SIGNATURE']);

export function mapGeminiFinishReason(raw: string, hasToolCalls: boolean, finishMessage?: string): GeminiFinish {
  if (raw === 'MAX_TOKENS') return { reason: 'length' };
  if (FILTERED.has(raw)) return { reason: 'content_filter' };
  if (FAILED_CALL.has(raw)) {
    return {
      error: {
        code: raw.toLowerCase(),
        message: `Gemini ended the response with ${raw}${finishMessage ? `: ${finishMessage}` : ''}.`,
      },
    };
  }
  return { reason: hasToolCalls ? 'tool_calls' : 'stop' };
}
