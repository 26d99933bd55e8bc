// Canonical request → a streamed Chat Completions request, for OpenAI-compatible servers
// (vLLM, SGLang, DeepSeek, xAI, Groq, Qwen…), Mistral, and OpenAI itself.
// https://platform.openai.com/docs/api-reference/chat/create
// https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post
//
// What does not fit the Chat wire is either refused with a 400 naming the field, or
// approximated and recorded in `warnings`; nothing is dropped silently.
import { createHash } from 'node:crypto';
import type { ContentPart, Item, Request, Tool, ToolOutput } from '../../canonical/types.js';
import { invalidRequest, unsupported } from '../../http/errors.js';
import { buildToolNameMap, type ToolNameMap, type ToolNameRules } from '../shared/tool-names.js';
import { wrapCustomInput, wrapCustomTool } from '../shared/wrap-custom-tool.js';
import type {
  ChatContentPart,
  ChatFlavor,
  ChatFunctionTool,
  ChatMessage,
  ChatRequestBody,
  ChatResponseFormat,
  ChatToolCall,
  ChatToolChoice,
} from './chat-api.js';

export interface ChatTarget {
  model: string;
  flavor: ChatFlavor;
}

export interface ChatRequestConversion {
  body: ChatRequestBody;
  // Hand it to parseChatStream: it restores namespaces and custom tools in the reply.
  names: ToolNameMap;
  warnings: string[];
}

// OpenAI: "a-z, A-Z, 0-9, underscores and dashes, max length 64"
// (https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools); Mistral
// validates the same pattern. vLLM and the others accept at least that.
export const CHAT_TOOL_NAME_RULES: ToolNameRules = { maxLength: 64, pattern: /^[a-zA-Z0-9_-]+$/ };

export function convertToChatRequest(req: Request, target: ChatTarget): ChatRequestConversion {
  const { flavor } = target;
  const warnings: string[] = [];
  const names = buildToolNameMap(req.tools, CHAT_TOOL_NAME_RULES);
  const callIds = flavor === 'mistral' ? createMistralCallIdMap(req.items) : (id: string) => id;

  const body: ChatRequestBody = {
    model: target.model,
    messages: convertItems(req, flavor, names, callIds, warnings),
    stream: true,
  };
  // Usage arrives only when asked for (https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options).
  // Mistral refuses the field with 422 extra_forbidden (avante.nvim#2347, TabbyML/tabby#4082,
  // openai-agents-python#442) and sends usage on its last chunk anyway.
  if (flavor !== 'mistral') body.stream_options = { include_usage: true };

  if (req.tools.length > 0) {
    body.tools = req.tools.map((t) => convertTool(t, names));
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  }
  const toolChoice = convertToolChoice(req, names);
  if (toolChoice !== undefined) body.tool_choice = toolChoice;

  const format = convertResponseFormat(req);
  if (format) body.response_format = format;

  if (req.maxOutputTokens !== undefined) {
    // OpenAI's reasoning models refuse `max_tokens` (reasoning-model-legacy-parameter-error.json);
    // Mistral refuses `max_completion_tokens` (editor-code-assistant/eca#231).
    if (flavor === 'openai') body.max_completion_tokens = req.maxOutputTokens;
    else body.max_tokens = req.maxOutputTokens;
  }
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop;
  if (req.seed !== undefined) {
    // Mistral calls it `random_seed` (ChatCompletionRequest in mistralai/client-ts).
    if (flavor === 'mistral') body.random_seed = req.seed;
    else body.seed = req.seed;
  }
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;

  const effort = req.reasoning?.effort;
  if (effort !== undefined) {
    if (flavor === 'mistral') {
      // Mistral's adjustable reasoning takes `none` or `high`
      // (https://docs.mistral.ai/capabilities/reasoning/adjustable).
      const mapped = effort === 'none' || effort === 'minimal' ? 'none' : 'high';
      if (mapped !== effort) warnings.push(`reasoning.effort '${effort}' sent to Mistral as '${mapped}' (Mistral accepts none | high)`);
      body.reasoning_effort = mapped;
    } else {
      // OpenAI, and the servers that copy it (vLLM passes it to the chat template,
      // DeepSeek maps minimal…xhigh itself: https://api-docs.deepseek.com/guides/thinking_mode).
      body.reasoning_effort = effort;
    }
  }

  if (req.verbosity !== undefined) {
    if (flavor === 'openai') body.verbosity = req.verbosity;
    else warnings.push(`text.verbosity '${req.verbosity}' not sent: ${flavor} Chat Completions has no such parameter`);
  }

  // Request-level hints only OpenAI understands; they change nothing in the answer, and
  // strict servers (Mistral) refuse unknown fields, so the others do not get them.
  if (flavor === 'openai') {
    if (req.store !== undefined) body.store = req.store;
    if (req.store === true && req.metadata) body.metadata = req.metadata;
    if (req.promptCacheKey !== undefined) body.prompt_cache_key = req.promptCacheKey;
    if (req.user !== undefined) body.user = req.user;
  }

  return { body, names, warnings };
}

// ---- Items → messages ----------------------------------------------------------------

interface AssistantTurn {
  texts: string[];
  refusals: string[];
  toolCalls: ChatToolCall[];
  reasoning: string[];
  reasoningItems: number;
}

function convertItems(
  req: Request,
  flavor: ChatFlavor,
  names: ToolNameMap,
  callIds: (id: string) => string,
  warnings: string[],
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (req.instructions) messages.push({ role: 'system', content: req.instructions });

  // Consecutive assistant output of one turn (text, reasoning, calls) becomes ONE
  // assistant message: parallel calls must share it, and a tool message must follow the
  // message that holds its call.
  let turn: AssistantTurn | null = null;
  // Images returned by tools: a tool message carries text only, so they follow the run
  // of tool messages in a user message.
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

function convertUserPart(part: ContentPart, param: string, flavor: ChatFlavor, warnings: string[]): ChatContentPart {
  switch (part.type) {
    case 'text':
    case 'refusal':
      return { type: 'text', text: part.text };
    case 'image':
      return convertImage(part, param, warnings);
    case 'file': {
      if (flavor === 'mistral') {
        if (part.fileUrl) return { type: 'document_url', document_url: part.fileUrl, ...(part.filename ? { document_name: part.filename } : {}) };
        throw unsupported(param, 'Mistral takes documents by URL only (file_url); file_data and file_id cannot be sent');
      }
      if (!part.fileData && !part.fileId) {
        throw unsupported(param, 'Chat Completions takes files as file_data or file_id, not by URL');
      }
      const file: { file_id?: string; file_data?: string; filename?: string } = {};
      if (part.fileId) file.file_id = part.fileId;
      if (part.fileData) file.file_data = part.fileData;
      if (part.filename) file.filename = part.filename;
      return { type: 'file', file };
    }
  }
}

function convertImage(part: Extract<ContentPart, { type: 'image' }>, param: string, warnings: string[]): ChatContentPart {
  const imageUrl: { url: string; detail?: 'auto' | 'low' | 'high' } = { url: part.url };
  if (part.detail === 'original') {
    // Chat Completions knows auto | low | high.
    imageUrl.detail = 'high';
    warnings.push(`${param}.detail 'original' sent as 'high'`);
  } else if (part.detail !== undefined) {
    imageUrl.detail = part.detail;
  }
  return { type: 'image_url', image_url: imageUrl };
}

// A tool message carries text; a part list is flattened. Images go to `images` (sent in
// a user message after the tool messages) and leave a marker in the text.
function toolOutputText(output: ToolOutput, param: string, images: ChatContentPart[], warnings: string[]): string {
  if (typeof output === 'string') return output;
  const pieces: string[] = [];
  output.forEach((part, j) => {
    switch (part.type) {
      case 'text':
      case 'refusal':
        pieces.push(part.text);
        break;
      case 'image':
        images.push(convertImage(part, `${param}[${j}]`, warnings));
        pieces.push('[image: attached in the next user message]');
        warnings.push(`${param}[${j}]: an image in a tool output was sent in a user message after the tool results`);
        break;
      case 'file':
        pieces.push(`[file${part.filename ? ` ${part.filename}` : ''}: not forwarded]`);
        warnings.push(`${param}[${j}]: a file in a tool output cannot be sent to Chat Completions; replaced by a marker`);
        break;
    }
  });
  return pieces.join('\n');
}

// ---- Tools ---------------------------------------------------------------------------

function convertTool(tool: Tool, names: ToolNameMap): ChatFunctionTool {
  if (tool.type === 'custom') {
    // Chat servers other than OpenAI's take function tools only (DESIGN.md: vLLM and
    // SGLang refuse or drop others), and even OpenAI Chat has no freeform tools with a grammar.
    const wrapped = wrapCustomTool(tool);
    return {
      type: 'function',
      function: { name: names.toWire(tool.name, undefined, 'custom'), description: wrapped.description, parameters: wrapped.parameters },
    };
  }
  let description = tool.description;
  if (tool.namespace !== undefined && tool.namespaceDescription) {
    // The flat name loses the grouping; keep what the namespace is for.
    description = `${description ?? ''}${description ? '\n\n' : ''}(Part of ${tool.namespace}: ${tool.namespaceDescription})`;
  }
  const fn: ChatFunctionTool['function'] = { name: names.toWire(tool.name, tool.namespace, 'function'), parameters: tool.parameters };
  if (description !== undefined) fn.description = description;
  // Mistral accepts `strict` too (FunctionT in mistralai/client-ts).
  if (tool.strict !== undefined) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function convertToolChoice(req: Request, names: ToolNameMap): ChatToolChoice | undefined {
  const choice = req.toolChoice;
  if (choice === undefined) return undefined;
  if (typeof choice === 'string') {
    // Without tools the field is refused by OpenAI ("tool_choice is only allowed when
    // tools are specified") and means nothing anyway.
    return req.tools.length > 0 ? choice : undefined;
  }
  const offered = req.tools.some((t) =>
    choice.type === 'function'
      ? t.type === 'function' && t.name === choice.name && t.namespace === choice.namespace
      : t.type === 'custom' && t.name === choice.name,
  );
  if (!offered) throw invalidRequest('tool_choice', `names ${choice.type} tool '${choice.name}', which is not among the tools`);
  const wire =
    choice.type === 'function' ? names.toWire(choice.name, choice.namespace, 'function') : names.toWire(choice.name, undefined, 'custom');
  return { type: 'function', function: { name: wire } };
}

function convertResponseFormat(req: Request): ChatResponseFormat | undefined {
  const format = req.responseFormat;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const jsonSchema: Extract<ChatResponseFormat, { type: 'json_schema' }>['json_schema'] = { name: format.name, schema: format.schema };
  if (format.strict !== undefined) jsonSchema.strict = format.strict;
  if (format.description !== undefined) jsonSchema.description = format.description;
  return { type: 'json_schema', json_schema: jsonSchema };
}

// ---- Mistral tool-call ids -----------------------------------------------------------

const MISTRAL_CALL_ID = /^[a-zA-Z0-9]{9}$/;
const BASE62 = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

// Mistral refuses any tool-call id that is not exactly 9 characters of [a-zA-Z0-9]
// (DESIGN.md; mistral-common's ToolCall validation). Ids from other providers (`call_…`,
// `toolu_…`) are hashed to 9 alphanumerics, the same for a call and its output, and the
// same every turn because the hash depends on the id alone. Valid ids pass unchanged.
export function createMistralCallIdMap(items: Item[]): (callId: string) => string {
  const byOriginal = new Map<string, string>();
  const owner = new Map<string, string>(); // wire id → original id
  const assign = (id: string, wire: string) => {
    byOriginal.set(id, wire);
    owner.set(wire, id);
    return wire;
  };
  // Valid ids first, so that a hashed id can never take one of them.
  for (const item of items) {
    if ('callId' in item && MISTRAL_CALL_ID.test(item.callId) && !byOriginal.has(item.callId)) assign(item.callId, item.callId);
  }
  return (id) => {
    const known = byOriginal.get(id);
    if (known !== undefined) return known;
    if (MISTRAL_CALL_ID.test(id) && !owner.has(id)) return assign(id, id);
    let wire = base62Hash(id);
    // A collision in 62^9 is astronomically rare; resolve it deterministically anyway.
    for (let n = 1; owner.has(wire); n++) wire = base62Hash(`${id}#${n}`);
    return assign(id, wire);
  };
}

function base62Hash(text: string, length = 9): string {
  const digest = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[digest[i] % 62];
  return out;
}
