// Canonical request → a streamed Chat Completions request, for OpenAI-compatible servers
// (vLLM, SGLang, DeepSeek, xAI, Groq, Qwen…), Mistral, and OpenAI itself.
// https://platform.openai.com/docs/api-reference/chat/create
// https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post
//
// What does not fit the Chat wire is either refused with a 400 naming the field, or
// approximated and recorded in `warnings`; nothing is dropped silently.
//
// messages: convert-to-chat-messages.ts; tools and tool_choice: convert-to-chat-tools.ts.
import type { Request } from '../../canonical/types.js';
import { buildToolNameMap, type ToolNameMap } from '../shared/tool-names.js';
import type { ChatFlavor, ChatRequestBody, ChatResponseFormat } from './chat-api.js';
import { convertToChatMessages } from './convert-to-chat-messages.js';
import { CHAT_TOOL_NAME_RULES, convertToChatTool, convertToChatToolChoice } from './convert-to-chat-tools.js';

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

export function convertToChatRequest(req: Request, target: ChatTarget): ChatRequestConversion {
  const { flavor } = target;
  const warnings: string[] = [];
  const names = buildToolNameMap(req.tools, CHAT_TOOL_NAME_RULES);

  const body: ChatRequestBody = {
    model: target.model,
    messages: convertToChatMessages(req, flavor, names, warnings),
    stream: true,
  };
  // Usage arrives only when asked for (https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options).
  // Mistral refuses the field with 422 extra_forbidden (avante.nvim#2347, TabbyML/tabby#4082,
  // openai-agents-python#442) and sends usage on its last chunk anyway.
  if (flavor !== 'mistral') body.stream_options = { include_usage: true };

  if (req.tools.length > 0) {
    body.tools = req.tools.map((t) => convertToChatTool(t, names));
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  }
  const toolChoice = convertToChatToolChoice(req, names);
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

function convertResponseFormat(req: Request): ChatResponseFormat | undefined {
  const format = req.responseFormat;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const jsonSchema: Extract<ChatResponseFormat, { type: 'json_schema' }>['json_schema'] = { name: format.name, schema: format.schema };
  if (format.strict !== undefined) jsonSchema.strict = format.strict;
  if (format.description !== undefined) jsonSchema.description = format.description;
  return { type: 'json_schema', json_schema: jsonSchema };
}
