// Chat Completions `finish_reason` → canonical finish reason.
// OpenAI: stop | length | tool_calls | content_filter | function_call (deprecated)
//   https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
// Mistral adds model_length (context window reached) and error:
//   https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post
// `error` is not a way to finish; the stream parser turns it into an error event.
import type { FinishReason } from '../../canonical/types.js';

export function mapChatFinishReason(reason: string): FinishReason {
  switch (reason) {
    case 'stop':
    case 'end_turn': // seen from Anthropic-backed compatibility layers
      return 'stop';
    case 'length':
    case 'model_length':
    case 'max_tokens':
      return 'length';
    case 'tool_calls':
    case 'function_call':
    case 'tool_use':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      // Unknown vendor values (e.g. `eos`, `recitation`) end the turn normally; the raw
      // value travels beside it for the record.
      return 'stop';
  }
}
