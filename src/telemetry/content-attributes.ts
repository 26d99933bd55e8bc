// Prompt content in the GenAI opt-in shape (`gen_ai.input.messages`: role + parts),
// recorded only with `observability.capture_content: true`.
// https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/#inference
import type { Item, Request, ToolOutput } from '../canonical/types.js';

export function inputMessagesOf(request: Request): string {
  return JSON.stringify(request.items.map(messageOf).filter((m) => m !== undefined));
}

function messageOf(item: Item): Record<string, unknown> | undefined {
  switch (item.type) {
    case 'message':
      return {
        role: item.role === 'developer' ? 'system' : item.role,
        parts: item.content.map((p) => (p.type === 'text' || p.type === 'refusal' ? { type: 'text', content: p.text } : { type: p.type })),
      };
    case 'function_call':
      return { role: 'assistant', parts: [{ type: 'tool_call', id: item.callId, name: item.name, arguments: item.arguments }] };
    case 'custom_tool_call':
      return { role: 'assistant', parts: [{ type: 'tool_call', id: item.callId, name: item.name, arguments: item.input }] };
    case 'function_call_output':
    case 'custom_tool_call_output':
      return { role: 'tool', parts: [{ type: 'tool_call_response', id: item.callId, response: outputText(item.output) }] };
    case 'reasoning':
      return item.summary.length ? { role: 'assistant', parts: [{ type: 'reasoning', content: item.summary.join('\n') }] } : undefined;
  }
}

function outputText(output: ToolOutput): string {
  return typeof output === 'string' ? output : output.map((p) => (p.type === 'text' ? p.text : `[${p.type}]`)).join('');
}
