// The Chat Completions wire shapes, written down once: what we send
// (https://platform.openai.com/docs/api-reference/chat/create, Mistral's variant at
// https://docs.mistral.ai/api/#tag/chat) and the stream chunks we read back
// (https://platform.openai.com/docs/api-reference/chat-streaming). Chunks come from many
// vendors (DeepSeek, xAI, Qwen, Groq, vLLM, Azure, Mistral), so every field is optional
// and may be null, and extras are allowed: nothing here is trusted, only looked at.

// ---- Request -------------------------------------------------------------------------

export type ChatFlavor = 'openai_compatible' | 'mistral' | 'openai';

export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  // OpenAI file inputs (PDF): https://platform.openai.com/docs/guides/pdf-files
  | { type: 'file'; file: { file_id?: string; file_data?: string; filename?: string } }
  // Mistral document inputs: https://docs.mistral.ai/capabilities/document_ai/basic_ocr
  | { type: 'document_url'; document_url: string; document_name?: string }
  // OpenAI: an assistant refusal replayed in history.
  | { type: 'refusal'; refusal: string };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system' | 'developer'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | {
      role: 'assistant';
      content: string | ChatContentPart[] | null;
      tool_calls?: ChatToolCall[];
      // OpenAI: a refusal replayed in history.
      refusal?: string;
      // DeepSeek thinking mode wants the reasoning of a tool-calling turn sent back:
      // https://api-docs.deepseek.com/guides/thinking_mode
      reasoning_content?: string;
    }
  // `name` is Mistral's (https://docs.mistral.ai/capabilities/function_calling/).
  | { role: 'tool'; tool_call_id: string; content: string; name?: string };

export interface ChatFunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

export type ChatToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type ChatResponseFormat =
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };
    };

export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  stream: true;
  stream_options?: { include_usage: true };
  tools?: ChatFunctionTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ChatResponseFormat;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
  // Mistral's name for `seed`.
  random_seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  reasoning_effort?: string;
  verbosity?: 'low' | 'medium' | 'high';
  store?: boolean;
  metadata?: Record<string, string>;
  prompt_cache_key?: string;
  user?: string;
}

// ---- Stream chunks -------------------------------------------------------------------

export interface ChatToolCallDelta {
  // Absent at Mistral (the whole call comes in one chunk); may start at 1 (seen through an
  // Anthropic-backed gateway).
  index?: number | null;
  // Repeated as "" on later chunks by Qwen; only a non-empty id names a call.
  id?: string | null;
  type?: string | null;
  function?: {
    name?: string | null;
    // A string almost everywhere; an object has been seen from some servers.
    arguments?: string | Record<string, unknown> | null;
  } | null;
  [extra: string]: unknown;
}

// Mistral's typed content chunks (magistral): https://docs.mistral.ai/capabilities/reasoning/
export type MistralContentChunk =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: Array<{ type: 'text'; text: string } | Record<string, unknown>> }
  | { type: string; [extra: string]: unknown };

export interface ChatChunkDelta {
  role?: string | null;
  content?: string | MistralContentChunk[] | null;
  // DeepSeek and xAI: https://api-docs.deepseek.com/guides/reasoning_model
  reasoning_content?: string | null;
  // vLLM ≥ 0.10 (https://docs.vllm.ai/en/latest/features/reasoning_outputs.html), OpenRouter.
  reasoning?: string | null;
  refusal?: string | null;
  tool_calls?: ChatToolCallDelta[] | null;
  // OpenAI search models cite their sources here (`url_citation`):
  // https://platform.openai.com/docs/guides/tools-web-search?api-mode=chat
  annotations?: Array<{ type?: string | null; [extra: string]: unknown }> | null;
  // The deprecated functions API's call, from a server that ignores `tools`.
  function_call?: { name?: string | null; arguments?: string | null } | null;
  [extra: string]: unknown;
}

export interface ChatChunkChoice {
  index?: number;
  delta?: ChatChunkDelta | null;
  finish_reason?: string | null;
  [extra: string]: unknown;
}

export interface ChatUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null; [extra: string]: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null; [extra: string]: unknown } | null;
  // DeepSeek: https://api-docs.deepseek.com/guides/kv_cache
  prompt_cache_hit_tokens?: number | null;
  prompt_cache_miss_tokens?: number | null;
  [extra: string]: unknown;
}

export interface ChatStreamErrorBody {
  message?: string;
  type?: string;
  code?: string | number | null;
  param?: string | null;
  status?: number;
  [extra: string]: unknown;
}

export interface ChatStreamChunk {
  id?: string | null;
  object?: string | null;
  created?: number | null;
  model?: string | null;
  choices?: ChatChunkChoice[] | null;
  usage?: ChatUsage | null;
  // An error sent inside a 200 stream (OpenAI, vLLM, OpenRouter).
  error?: ChatStreamErrorBody | null;
  // Groq repeats usage here.
  x_groq?: { usage?: ChatUsage | null; [extra: string]: unknown } | null;
  [extra: string]: unknown;
}
