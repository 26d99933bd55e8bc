// Canonical items → Responses `input` items: the inverse of
// src/dialects/responses/decode-input-items.ts.
// https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
import type { ContentPart, Item, ToolOutput } from '../../canonical/types.js';

type Json = Record<string, unknown>;

export function convertToResponsesInput(items: Item[], store: boolean | undefined): Json[] {
  const input: Json[] = [];
  for (const item of items) {
    switch (item.type) {
      case 'message':
        input.push({
          type: 'message',
          role: item.role,
          content: item.content.map((p) => (item.role === 'assistant' ? assistantPart(p) : inputPart(p))),
          ...withId(item.id),
          ...(item.phase !== undefined ? { phase: item.phase } : {}),
        });
        break;
      case 'function_call':
        input.push({
          type: 'function_call',
          call_id: item.callId,
          name: item.name,
          ...(item.namespace !== undefined ? { namespace: item.namespace } : {}),
          arguments: item.arguments,
          ...withId(item.id),
        });
        break;
      case 'custom_tool_call':
        input.push({ type: 'custom_tool_call', call_id: item.callId, name: item.name, input: item.input, ...withId(item.id) });
        break;
      case 'function_call_output':
      case 'custom_tool_call_output':
        input.push({ type: item.type, call_id: item.callId, output: toolOutput(item.output), ...withId(item.id) });
        break;
      case 'reasoning': {
        // With store: false OpenAI keeps nothing, so a reasoning item is only usable when
        // it carries its encrypted_content; a bare id fails the whole request with "Item
        // with id 'rs_…' not found" (https://github.com/vercel/ai/issues/7543). With
        // store: true the id alone lets OpenAI look it up.
        const usable = item.encryptedContent !== undefined || (store === true && item.id !== undefined);
        if (!usable) break;
        input.push({
          type: 'reasoning',
          ...withId(item.id),
          summary: item.summary.map((text) => ({ type: 'summary_text', text })),
          ...(item.content !== undefined ? { content: item.content.map((text) => ({ type: 'reasoning_text', text })) } : {}),
          // Verbatim: OpenAI decrypts it server-side; one changed byte and it is refused.
          ...(item.encryptedContent !== undefined ? { encrypted_content: item.encryptedContent } : {}),
        });
        break;
      }
    }
  }
  return input;
}

function withId(id: string | undefined): Json {
  return id !== undefined ? { id } : {};
}

// Replayed assistant text is `output_text`, whose `annotations` OpenAI's schema requires.
function assistantPart(part: ContentPart): Json {
  if (part.type === 'text') return { type: 'output_text', text: part.text, annotations: [] };
  if (part.type === 'refusal') return { type: 'refusal', refusal: part.text };
  return inputPart(part);
}

function inputPart(part: ContentPart): Json {
  switch (part.type) {
    case 'text':
    case 'refusal':
      return { type: 'input_text', text: part.text };
    case 'image':
      // `detail` is required by the schema; 'auto' is what OpenAI assumes when a client omits it.
      return { type: 'input_image', image_url: part.url, detail: part.detail ?? 'auto' };
    case 'file':
      return {
        type: 'input_file',
        ...(part.fileId !== undefined ? { file_id: part.fileId } : {}),
        ...(part.fileUrl !== undefined ? { file_url: part.fileUrl } : {}),
        ...(part.fileData !== undefined ? { file_data: part.fileData } : {}),
        ...(part.filename !== undefined ? { filename: part.filename } : {}),
      };
  }
}

function toolOutput(output: ToolOutput): string | Json[] {
  return typeof output === 'string' ? output : output.map(inputPart);
}
