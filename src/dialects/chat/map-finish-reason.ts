// Canonical finish reason → Chat Completions `finish_reason`.
// https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
// Chat has no `refusal` reason: OpenAI ends a refused answer with `stop` and puts
// the text in `message.refusal`, so that is what a client of this dialect expects.
import type { FinishReason } from '../../canonical/types.js';

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export function mapFinishReason(reason: FinishReason, madeToolCalls: boolean): ChatFinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
      return 'tool_calls';
    case 'refusal':
      return 'stop';
    case 'stop':
      // OpenAI reports `tool_calls` whenever the turn ends on calls, and agent loops
      // key on it; some providers (Gemini's STOP) do not distinguish the two.
      return madeToolCalls ? 'tool_calls' : 'stop';
  }
}
