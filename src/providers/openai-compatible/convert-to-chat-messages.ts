// Canonical items (and instructions) → Chat Completions `messages`.
// https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
//
// - Consecutive assistant output of one turn (text, reasoning, calls) becomes ONE
//   assistant message: parallel calls must share it, and a tool message must follow the
//   message that holds its call.
// - Images returned by tools follow the run of tool messages in a user message (a tool
//   message carries text only).
// - What does not fit is refused with a 400 naming the item, or approximated and
//   recorded in `warnings`.
import type { ContentPart, Item, Request } from '../../canonical/types.js';
import { unsupported } from '../../http/errors.js';
import type { ToolNameMap } from '../shared/tool-names.js';
import { wrapCustomInput } from '../shared/wrap-custom-tool.js';
import type { ChatContentPart, ChatFlavor, ChatMessage, ChatToolCall } from './chat-api.js';
import { convertUserPart, toolOutputText } from './convert-to-chat-content-parts.js';
import { createMistralCallIdMap } from './map-mistral-call-ids.js';

interface AssistantTurn {
  texts: string[];
  refusals: string[];
  toolCalls: ChatToolCall[];
  reasoning: string[];
  reasoningItems: number;
}

export function convertToChatMessages(req: Request, flavor: ChatFlavor, names: ToolNameMap, warnings: string[]): ChatMessage[] {
  const callIds = flavor === 'mistral' ? createMistralCallIdMap(req.items) : (id: string) => id;
  const messages: ChatMessage[] = [];
  if (req.instructions) messages.push({ role: 'system', content: req.instructions });

  let turn: AssistantTurn | null = null;
  let toolImages: ChatContentPart[] = [];
  const callNames = new Map<string, string>(); // client call id → wire function name
  const answered = new Set<string>();
  let omittedReasoning = 0;

  const openTurn = (): AssistantTurn => {
    flushToolImages();
    turn ??= { texts: [], refusals: [], toolCalls: [], reasoning: [], reasoningItems: 0 };
    return turn;
  };
  const flushTurn = () => {
    if (!turn) return;
    const t = turn;
    turn = null;
    // DeepSeek's thinking mode wants the reasoning of a tool-calling turn back, and
    // ignores it on other turns (https://api-docs.deepseek.com/guides/thinking_mode);
    // Mistral (charmbracelet/crush#1590) and OpenAI refuse the field.
    const sendReasoning = flavor === 'openai_compatible' && t.toolCalls.length > 0 && t.reasoning.length > 0;
    if (!sendReasoning) omittedReasoning += t.reasoningItems;
    if (t.texts.length === 0 && t.refusals.length === 0 && t.toolCalls.length === 0) return;
    const msg: Extract<ChatMessage, { role: 'assistant' }> = {
      role: 'assistant',
      // Separate output messages of one turn are separate paragraphs.
      content: t.texts.length > 0 ? t.texts.join('\n\n') : null,
    };
    if (t.refusals.length > 0) {
      if (flavor === 'openai') msg.refusal = t.refusals.join('\n\n');
      else {
        msg.content = [...t.texts, ...t.refusals].join('\n\n');
        warnings.push(`an assistant refusal in history was sent to ${flavor} as plain assistant text`);
      }
    }
    if (t.toolCalls.length > 0) msg.tool_calls = t.toolCalls;
    if (sendReasoning) msg.reasoning_content = t.reasoning.join('\n\n');
    messages.push(msg);
  };
  function flushToolImages() {
    if (toolImages.length === 0) return;
    messages.push({ role: 'user', content: [{ type: 'text', text: 'Images returned by the tool calls above:' }, ...toolImages] });
    toolImages = [];
  }

  req.items.forEach((item: Item, i) => {
    const param = `input[${i}]`;
    switch (item.type) {
      case 'message': {
        if (item.role === 'assistant') {
          const t = openTurn();
          item.content.forEach((part, j) => {
            // Empty text adds nothing, and servers refuse an assistant message with neither
            // content nor tool calls (Mistral).
            if (part.type === 'text') {
              if (part.text !== '') t.texts.push(part.text);
            } else if (part.type === 'refusal') t.refusals.push(part.text);
            else throw unsupported(`${param}.content[${j}]`, `an assistant message can only hold text in Chat Completions, not '${part.type}'`);
          });
          // An empty assistant message still marks a turn; nothing to send for it.
          break;
        }
        flushTurn();
        flushToolImages();
        messages.push(convertMessage(item.role, item.content, param, flavor, warnings));
        break;
      }
      case 'reasoning': {
        const t = openTurn();
        t.reasoningItems++;
        if (item.content && item.content.length > 0) t.reasoning.push(item.content.join(''));
        break;
      }
      case 'function_call':
      case 'custom_tool_call': {
        const t = openTurn();
        const wireName =
          item.type === 'function_call' ? names.toWire(item.name, item.namespace, 'function') : names.toWire(item.name, undefined, 'custom');
        const args = item.type === 'function_call' ? item.arguments : wrapCustomInput(item.input);
        t.toolCalls.push({
          id: callIds(item.callId),
          type: 'function',
          // Servers that parse arguments refuse an empty string; a no-argument call is `{}`.
          function: { name: wireName, arguments: args.trim() === '' ? '{}' : args },
        });
        callNames.set(item.callId, wireName);
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        flushTurn();
        const wireName = callNames.get(item.callId);
        const text = toolOutputText(item.output, `${param}.output`, toolImages, warnings);
        if (wireName === undefined) {
          // No call in this history (trimmed or compacted away): a tool message without
          // its call is refused by every Chat server, so the output goes as user text.
          flushToolImages();
          messages.push({ role: 'user', content: `Output of tool call ${item.callId}:\n${text}` });
          warnings.push(`${param}: output for call '${item.callId}' has no matching call in the history; sent as a user message`);
          break;
        }
        answered.add(item.callId);
        const msg: Extract<ChatMessage, { role: 'tool' }> = { role: 'tool', tool_call_id: callIds(item.callId), content: text };
        // Mistral's tool message names the function it answers.
        if (flavor === 'mistral') msg.name = wireName;
        messages.push(msg);
        break;
      }
    }
  });
  flushTurn();
  flushToolImages();

  if (omittedReasoning > 0) {
    warnings.push(`${omittedReasoning} reasoning item(s) not sent: Chat Completions has no place for them on ${flavor}`);
  }
  for (const id of callNames.keys()) {
    if (!answered.has(id)) warnings.push(`tool call '${id}' has no output in the history; the upstream may refuse the request`);
  }
  return messages;
}

function convertMessage(
  role: 'system' | 'developer' | 'user',
  content: ContentPart[],
  param: string,
  flavor: ChatFlavor,
  warnings: string[],
): ChatMessage {
  if (role === 'system' || role === 'developer') {
    const texts = content.map((part, j) => {
      if (part.type === 'text') return part.text;
      throw unsupported(`${param}.content[${j}]`, `a ${role} message can only hold text in Chat Completions, not '${part.type}'`);
    });
    // `developer` is OpenAI's own (https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages);
    // Mistral's roles are system | user | assistant | tool, and most compatible servers
    // (and their chat templates) know only `system`.
    return { role: role === 'developer' && flavor === 'openai' ? 'developer' : 'system', content: texts.join('\n\n') };
  }
  const parts = content.map((part, j) => convertUserPart(part, `${param}.content[${j}]`, flavor, warnings));
  if (parts.length === 1 && parts[0].type === 'text') return { role: 'user', content: parts[0].text };
  return { role: 'user', content: parts };
}
