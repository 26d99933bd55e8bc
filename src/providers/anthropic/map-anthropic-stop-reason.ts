// Anthropic `stop_reason` → canonical finish reason.
// https://docs.anthropic.com/en/api/handling-stop-reasons
//
// - end_turn, stop_sequence → stop.
// - tool_use → tool_calls.
// - max_tokens → length: the Responses encoder sends `response.incomplete` with reason
//   `max_output_tokens`, as OpenAI does. model_context_window_exceeded (the context window
//   filled up before max_tokens) is the same outcome for a client.
// - refusal → refusal. OpenAI answers a refusal with a completed response whose message
//   holds a `refusal` content part (not `content_filter`, which would make the response
//   `incomplete`); the stream parser emits Anthropic's `stop_details.explanation` as that
//   part.
// - pause_turn: Anthropic paused a long turn of its server tools (web search…) and expects
//   the request resent to continue. The gateway sends no server tools, so it should not
//   happen; if it does, the turn ends as `stop` with what was produced, and the parser
//   records a warning.
// - Anything else ends the turn normally; the raw value travels beside it for the record.
import type { FinishReason } from '../../canonical/types.js';

export function mapAnthropicStopReason(reason: string | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'refusal':
      return 'refusal';
    case 'pause_turn':
    default:
      return 'stop';
  }
}
