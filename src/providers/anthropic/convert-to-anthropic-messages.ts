// Canonical items (and instructions) → Anthropic `system` and `messages`.
// https://docs.anthropic.com/en/api/messages
//
// - `instructions`, `system` and `developer` messages → top-level `system`, one text block
//   each, in order (Anthropic has no system role in `messages`).
// - Roles are user and assistant only, alternating: consecutive items of one side merge
//   into one message (the API would merge them too; we do not rely on it).
// - One assistant turn (its reasoning, text and calls, however Codex split them into items)
//   → ONE assistant message: thinking blocks first, then text, then every tool_use, so
//   parallel calls share a message. The outputs that follow → ONE user message with the
//   tool_result blocks FIRST, then any other user content
//   (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use).
// - A reasoning item whose opened state is Anthropic's (from the same model) gives back its
//   thinking / redacted_thinking blocks verbatim, signatures untouched. One without (another
//   provider's, or its state lost) is left out with a warning: a thinking block cannot be
//   rebuilt without its signature.
// - Never a fabricated or dropped call: a call with no output in the history still goes
//   out, answered by a tool_result with `is_error: true` saying no output was recorded
//   (Anthropic refuses a tool_use without its result in the next message); an output with
//   no call goes as user text naming the call id. Both are warned about.
import type { Item, Request } from '../../canonical/types.js';
import { unsupported } from '../../http/errors.js';
import type { ToolNameMap } from '../shared/tool-names.js';
import type {
  AnthropicMessage,
  AssistantBlock,
  TextBlock,
  ToolResultBlock,
  ToolUseBlock,
  UserBlock,
} from './anthropic-api.js';
import { readAnthropicReasoningState } from './anthropic-reasoning-state.js';
import { convertToolOutput, convertUserPart } from './convert-to-anthropic-content.js';
import { toAnthropicCallId } from './map-anthropic-call-ids.js';
import { CUSTOM_INPUT_FIELD } from '../shared/wrap-custom-tool.js';
import { parseCallArguments } from '../shared/parse-call-arguments.js';

export interface AnthropicPrompt {
  system: TextBlock[];
  messages: AnthropicMessage[];
}

interface AssistantDraft {
  thinking: AssistantBlock[];
  text: AssistantBlock[];
  toolUses: ToolUseBlock[];
}

interface UserDraft {
  results: ToolResultBlock[];
  other: UserBlock[];
}

export const MISSING_OUTPUT_TEXT = 'No output was recorded for this tool call.';

export function convertToAnthropicMessages(req: Request, names: ToolNameMap, model: string, warnings: string[]): AnthropicPrompt {
  const system: TextBlock[] = [];
  const messages: AnthropicMessage[] = [];
  if (req.instructions) system.push({ type: 'text', text: req.instructions });

  let assistant: AssistantDraft | null = null;
  let user: UserDraft | null = null;
  // Calls of the assistant message just sent, waiting for their results: wire id → client id.
  const pending = new Map<string, string>();
  const clientIds = new Map<string, string>();
  let reasoningWithoutState = 0;
  let reasoningFromOtherModel = 0;
  let unansweredThinking = 0;

  const flushAssistant = () => {
    if (!assistant) return;
    const a = assistant;
    assistant = null;
    if (a.text.length === 0 && a.toolUses.length === 0) {
      // Thinking that led to no answer (an interrupted turn): nothing to continue from, and
      // an assistant message of thinking alone is no message once Anthropic strips it.
      unansweredThinking += a.thinking.length;
      return;
    }
    const content = [...a.thinking, ...a.text, ...a.toolUses];
    for (const t of a.toolUses) pending.set(t.id, clientIds.get(t.id) ?? t.id);
    const last = messages.at(-1);
    if (last?.role === 'assistant') {
      // Only when the user side in between had nothing to send: one merged message.
      const prev = last.content;
      last.content = [...prev.filter((b) => isThinking(b)), ...a.thinking, ...prev.filter((b) => b.type === 'text'), ...a.text, ...prev.filter((b) => b.type === 'tool_use'), ...a.toolUses];
      return;
    }
    messages.push({ role: 'assistant', content });
  };

  const flushUser = () => {
    if (!user && pending.size === 0) return;
    const u: UserDraft = user ?? { results: [], other: [] };
    user = null;
    for (const [wireId, clientId] of pending) {
      u.results.push({ type: 'tool_result', tool_use_id: wireId, is_error: true, content: MISSING_OUTPUT_TEXT });
      warnings.push(`tool call '${clientId}' has no output in the history; sent to Anthropic with an error result saying no output was recorded`);
    }
    pending.clear();
    const content: UserBlock[] = [...u.results, ...u.other];
    if (content.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === 'user') {
      const prev = last.content;
      last.content = [...prev.filter((b) => b.type === 'tool_result'), ...u.results, ...prev.filter((b) => b.type !== 'tool_result'), ...u.other];
      return;
    }
    messages.push({ role: 'user', content });
  };

  const openAssistant = (): AssistantDraft => {
    if (user || pending.size > 0) flushUser();
    assistant ??= { thinking: [], text: [], toolUses: [] };
    return assistant;
  };
  const openUser = (): UserDraft => {
    flushAssistant();
    user ??= { results: [], other: [] };
    return user;
  };

  req.items.forEach((item: Item, i) => {
    const param = `input[${i}]`;
    switch (item.type) {
      case 'message': {
        if (item.role === 'system' || item.role === 'developer') {
          item.content.forEach((part, j) => {
            if (part.type !== 'text') throw unsupported(`${param}.content[${j}]`, `a ${item.role} message can only hold text for Anthropic (it becomes the system prompt), not '${part.type}'`);
            if (part.text !== '') system.push({ type: 'text', text: part.text });
          });
          break;
        }
        if (item.role === 'assistant') {
          const a = openAssistant();
          item.content.forEach((part, j) => {
            if (part.type === 'text') {
              if (part.text !== '') a.text.push({ type: 'text', text: part.text });
            } else if (part.type === 'refusal') {
              if (part.text !== '') a.text.push({ type: 'text', text: part.text });
              warnings.push(`${param}.content[${j}]: an assistant refusal in history was sent to Anthropic as assistant text`);
            } else {
              throw unsupported(`${param}.content[${j}]`, `an assistant message can only hold text for Anthropic, not '${part.type}'`);
            }
          });
          break;
        }
        const u = openUser();
        item.content.forEach((part, j) => {
          const block = convertUserPart(part, `${param}.content[${j}]`, warnings);
          if (block) u.other.push(block);
        });
        break;
      }
      case 'reasoning': {
        const blocks = readAnthropicReasoningState(item.state);
        if (!blocks) {
          reasoningWithoutState++;
          break;
        }
        if (item.state!.model !== model) {
          // Signatures are checked against the model that wrote them.
          reasoningFromOtherModel++;
          break;
        }
        openAssistant().thinking.push(...blocks);
        break;
      }
      case 'function_call':
      case 'custom_tool_call': {
        const a = openAssistant();
        const wireName = item.type === 'function_call' ? names.toWire(item.name, item.namespace, 'function') : names.toWire(item.name, undefined, 'custom');
        const input = item.type === 'function_call' ? parseCallArguments(item.arguments, `${param}.arguments`, 'Anthropic', warnings) : { [CUSTOM_INPUT_FIELD]: item.input };
        const id = toAnthropicCallId(item.callId);
        clientIds.set(id, item.callId);
        a.toolUses.push({ type: 'tool_use', id, name: wireName, input });
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const u = openUser();
        const wireId = toAnthropicCallId(item.callId);
        const content = convertToolOutput(item.output, `${param}.output`, warnings);
        if (pending.has(wireId)) {
          pending.delete(wireId);
          const result: ToolResultBlock = { type: 'tool_result', tool_use_id: wireId };
          if (content !== undefined) result.content = content;
          u.results.push(result);
          break;
        }
        // No call just before it (trimmed or compacted away, or answered twice): a
        // tool_result would be refused, so the output goes as text the model can still read.
        const header = `Output of tool call ${item.callId} (the call itself is not in this conversation):`;
        if (typeof content === 'string' || content === undefined) {
          u.other.push({ type: 'text', text: `${header}\n${content ?? ''}` });
        } else {
          u.other.push({ type: 'text', text: header }, ...content);
        }
        warnings.push(`${param}: output for call '${item.callId}' has no matching call just before it; sent to Anthropic as user text`);
        break;
      }
    }
  });
  flushAssistant();
  flushUser();

  // Anthropic refuses a final assistant message (a prefill) that ends with whitespace.
  const last = messages.at(-1);
  if (last?.role === 'assistant') {
    const tail = last.content.at(-1);
    if (tail?.type === 'text') {
      tail.text = tail.text.trimEnd();
      if (tail.text === '') last.content.pop();
      if (last.content.length === 0) messages.pop();
    }
  }

  if (reasoningWithoutState > 0) {
    warnings.push(`${reasoningWithoutState} reasoning item(s) not sent: they carry no Anthropic thinking block (another provider's, or their encrypted_content did not open)`);
  }
  if (reasoningFromOtherModel > 0) {
    warnings.push(`${reasoningFromOtherModel} reasoning item(s) not sent: their thinking blocks were written by another Claude model than ${model}`);
  }
  if (unansweredThinking > 0) {
    warnings.push(`${unansweredThinking} thinking block(s) not sent: no answer or tool call followed them in the history`);
  }
  return { system, messages };
}

function isThinking(b: AssistantBlock): boolean {
  return b.type === 'thinking' || b.type === 'redacted_thinking';
}

