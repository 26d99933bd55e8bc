// Tokens of one canonical input item (or the instructions, or the tool list), content
// plus the framing OpenAI adds around it (token-overheads.ts). `countText` is passed in so
// the estimator can choose, text by text, between the exact count and the fast estimate.
import type { ContentPart, Item, ResponseFormat, ToolOutput } from '../canonical/types.js';
import { dataUrlImageSize, imageTokens } from './image-tokens.js';
import {
  ASSISTANT_CHANNEL,
  PER_CUSTOM_TOOL_CALL,
  PER_FILE,
  PER_FUNCTION_CALL,
  PER_MESSAGE,
  PER_REASONING,
  PER_RESPONSE_FORMAT,
  PER_TOOL_OUTPUT,
} from './token-overheads.js';

export type TextCounter = (text: string) => number;

export function countItemTokens(item: Item, countText: TextCounter): number {
  switch (item.type) {
    case 'message':
      return PER_MESSAGE + (item.role === 'assistant' ? ASSISTANT_CHANNEL : 0) + countParts(item.content, countText);
    case 'function_call':
      return PER_FUNCTION_CALL + countText(item.namespace ? `${item.namespace}.${item.name}` : item.name) + countText(item.arguments);
    case 'custom_tool_call':
      return PER_CUSTOM_TOOL_CALL + countText(item.name) + countText(item.input);
    case 'function_call_output':
    case 'custom_tool_call_output':
      return PER_TOOL_OUTPUT + countOutput(item.output, countText);
    case 'reasoning': {
      // Only the readable part: OpenAI's `encrypted_content` cannot be measured here (and
      // OpenAI drops earlier turns' reasoning from the prompt); the calibration ratio
      // per provider absorbs what this misses.
      const texts = [...item.summary, ...(item.content ?? [])];
      if (texts.length === 0) return 0;
      return PER_REASONING + texts.reduce((n, t) => n + countText(t), 0);
    }
  }
}

// Instructions reach the model as a developer message.
export function countInstructionsTokens(instructions: string, countText: TextCounter): number {
  return PER_MESSAGE + countText(instructions);
}

export function countResponseFormatTokens(format: ResponseFormat | undefined, countText: TextCounter): number {
  if (!format || format.type !== 'json_schema') return 0;
  return PER_RESPONSE_FORMAT + countText(`${format.name}\n\n${format.description ? `// ${format.description}\n` : ''}${JSON.stringify(format.schema)}`);
}

function countOutput(output: ToolOutput, countText: TextCounter): number {
  return typeof output === 'string' ? countText(output) : countParts(output, countText);
}

function countParts(parts: readonly ContentPart[], countText: TextCounter): number {
  let n = 0;
  for (const part of parts) {
    switch (part.type) {
      case 'text':
      case 'refusal':
        n += countText(part.text);
        break;
      case 'image':
        n += imageTokens(part.detail, dataUrlImageSize(part.url));
        break;
      case 'file':
        n += PER_FILE;
        break;
    }
  }
  return n;
}
