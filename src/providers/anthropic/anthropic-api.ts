// The Anthropic Messages API wire shapes, written down once: what we send
// (https://docs.anthropic.com/en/api/messages) and the stream events we read back
// (https://docs.anthropic.com/en/docs/build-with-claude/streaming). Stream payloads come
// from Anthropic and from Anthropic-compatible endpoints, so every field read from them is
// optional and extras are allowed: nothing is trusted, only looked at.

// ---- Request -------------------------------------------------------------------------

// Prompt caching: https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
export interface CacheControl {
  type: 'ephemeral';
}

export interface TextBlock {
  type: 'text';
  text: string;
  cache_control?: CacheControl;
}

// https://docs.anthropic.com/en/docs/build-with-claude/vision
export type ImageSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string };

export interface ImageBlock {
  type: 'image';
  source: ImageSource;
  cache_control?: CacheControl;
}

// https://docs.anthropic.com/en/docs/build-with-claude/pdf-support
export type DocumentSource =
  | { type: 'base64'; media_type: 'application/pdf'; data: string }
  | { type: 'text'; media_type: 'text/plain'; data: string }
  | { type: 'url'; url: string };

export interface DocumentBlock {
  type: 'document';
  source: DocumentSource;
  title?: string;
  cache_control?: CacheControl;
}

// Extended thinking: https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking
// Both go back to the API exactly as they came (signature and data untouched).
export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface RedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
  cache_control?: CacheControl;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | Array<TextBlock | ImageBlock | DocumentBlock>;
  is_error?: boolean;
  cache_control?: CacheControl;
}

export type UserBlock = TextBlock | ImageBlock | DocumentBlock | ToolResultBlock;
export type AssistantBlock = TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock;
export type ContentBlock = UserBlock | AssistantBlock;

export type AnthropicMessage =
  | { role: 'user'; content: UserBlock[] }
  | { role: 'assistant'; content: AssistantBlock[] };

// https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use
export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  // Strict tool use (structured outputs): https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs
  strict?: boolean;
  cache_control?: CacheControl;
}

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

// Manual (budget) thinking for models before 4.6, adaptive thinking from 4.6 on:
// https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking
// https://docs.anthropic.com/en/docs/build-with-claude/adaptive-thinking
export type AnthropicThinking =
  | { type: 'enabled'; budget_tokens: number }
  | { type: 'adaptive'; display?: 'summarized' | 'omitted' };

export type AnthropicEffort = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

// `output_config`: effort (https://docs.anthropic.com/en/docs/build-with-claude/effort) and
// JSON outputs (https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs).
export interface AnthropicOutputConfig {
  effort?: AnthropicEffort;
  format?: { type: 'json_schema'; schema: Record<string, unknown> };
}

export interface AnthropicRequestBody {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: TextBlock[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: AnthropicThinking;
  output_config?: AnthropicOutputConfig;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  metadata?: { user_id: string };
  stream: true;
}

// ---- Stream events -------------------------------------------------------------------

export interface AnthropicUsage {
  // Excludes cache reads and writes (unlike OpenAI's input_tokens).
  input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null; [extra: string]: unknown } | null;
  [extra: string]: unknown;
}

export interface AnthropicErrorBody {
  type?: string;
  message?: string;
  [extra: string]: unknown;
}

export interface StreamMessage {
  id?: string;
  model?: string;
  usage?: AnthropicUsage | null;
  [extra: string]: unknown;
}

// A content block as `content_block_start` announces it.
export interface StreamContentBlock {
  type?: string;
  text?: string;
  thinking?: string;
  signature?: string;
  data?: string;
  id?: string;
  name?: string;
  input?: unknown;
  [extra: string]: unknown;
}

export interface StreamDelta {
  type?: string;
  text?: string;
  thinking?: string;
  signature?: string;
  partial_json?: string;
  [extra: string]: unknown;
}

export interface StreamEvent {
  type?: string;
  message?: StreamMessage | null;
  index?: number;
  content_block?: StreamContentBlock | null;
  // content_block_delta: a StreamDelta; message_delta: stop_reason and friends.
  delta?: (StreamDelta & { stop_reason?: string | null; stop_sequence?: string | null; stop_details?: StopDetails | null }) | null;
  usage?: AnthropicUsage | null;
  error?: AnthropicErrorBody | null;
  [extra: string]: unknown;
}

// Sent with `stop_reason: "refusal"` (anthropic-refusal.chunks.txt).
export interface StopDetails {
  type?: string;
  category?: string;
  explanation?: string;
  [extra: string]: unknown;
}
