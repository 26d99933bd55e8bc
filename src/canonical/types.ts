// The canonical model: the one shape between the inbound dialects (Responses,
// Chat Completions) and the provider adapters. N dialects + M providers, never N×M.
//
// It is deliberately close to the Responses API (the richest dialect we accept)
// so that a Responses → OpenAI round trip loses nothing, while carrying the extra
// state other providers need (thinking signatures, thought signatures, cache usage).

export type Role = 'system' | 'developer' | 'user' | 'assistant';

export type ContentPart =
  | { type: 'text'; text: string }
  // `url` is an http(s) URL or a `data:` URL; providers that need base64 split it.
  | { type: 'image'; url: string; detail?: 'auto' | 'low' | 'high' | 'original' }
  | { type: 'file'; filename?: string; fileData?: string; fileId?: string; fileUrl?: string }
  // An assistant refusal replayed in history (Responses `refusal` content part).
  | { type: 'refusal'; text: string };

export type Item =
  | {
      type: 'message';
      role: Role;
      content: ContentPart[];
      id?: string;
      // Responses `phase` on assistant messages (commentary | final_answer); kept for round trips.
      phase?: string;
    }
  | {
      type: 'function_call';
      callId: string;
      // The name as the client declared it; `namespace` set for a function nested in a
      // Responses `namespace` tool. Providers flatten these into names they accept.
      name: string;
      namespace?: string;
      arguments: string;
      id?: string;
    }
  | { type: 'function_call_output'; callId: string; output: ToolOutput; id?: string }
  | { type: 'custom_tool_call'; callId: string; name: string; input: string; id?: string }
  | { type: 'custom_tool_call_output'; callId: string; output: ToolOutput; id?: string }
  | {
      type: 'reasoning';
      id?: string;
      summary: string[];
      // Raw reasoning text (DeepSeek `reasoning_content`, Anthropic thinking) when the provider exposes it.
      content?: string[];
      // The client's `encrypted_content`, as it came: OpenAI's own encrypted reasoning
      // (forwarded as-is to OpenAI), or a value this gateway sealed.
      encryptedContent?: string;
      // What a gateway-sealed `encryptedContent` opened to (see src/state/seal-state.ts):
      // provider state such as Anthropic thinking signatures or Gemini thought signatures.
      state?: ProviderState;
    };

// Opaque provider state that must round-trip through a stateless client (Codex sends
// `store: false` and echoes `encrypted_content`). Providers put it on `reasoning_end`;
// the pipeline seals it into `encrypted_content` and opens it on the next request,
// dropping (with a warning) anything that does not open or came from another family.
export interface ProviderState {
  // The provider family that wrote it: only that family can read it back.
  family: ProviderFamily;
  model: string;
  data: unknown;
}

export type ProviderFamily = 'openai' | 'anthropic' | 'google' | 'mistral' | 'openai_compatible';

// A tool result is text, or (Responses) a list of text/image parts.
export type ToolOutput = string | ContentPart[];

export type CustomToolFormat =
  | { type: 'text' }
  | { type: 'grammar'; syntax: 'lark' | 'regex'; definition: string };

export type Tool =
  | {
      type: 'function';
      name: string;
      namespace?: string;
      // Kept so a round trip to a provider that understands namespaces loses nothing.
      namespaceDescription?: string;
      description?: string;
      parameters: JsonSchema;
      strict?: boolean;
    }
  | { type: 'custom'; name: string; description?: string; format?: CustomToolFormat };

export type JsonSchema = Record<string, unknown>;

export type ToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { type: 'function'; name: string; namespace?: string }
  | { type: 'custom'; name: string };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonSchema; strict?: boolean; description?: string };

export interface Request {
  // The model the client asked for (a route alias); the route decides the upstream model.
  model: string;
  // Responses `instructions` / leading system text. Kept apart from `items` because
  // providers place it differently (Anthropic `system`, Gemini `systemInstruction`).
  instructions?: string;
  items: Item[];
  tools: Tool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  reasoning?: { effort?: ReasoningEffort; summary?: 'auto' | 'concise' | 'detailed' | 'none' };
  responseFormat?: ResponseFormat;
  // Responses `text.verbosity`; only OpenAI understands it.
  verbosity?: 'low' | 'medium' | 'high';
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  // Chat Completions sampling knobs; providers that lack one record a warning.
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  stream: boolean;
  store?: boolean;
  include?: string[];
  promptCacheKey?: string;
  metadata?: Record<string, string>;
  user?: string;
  // Hosted tools (web_search, tool_search, …) the gateway cannot run on a foreign
  // provider: removed from the upstream request and recorded here, never silently.
  removedTools: string[];
  // Warnings to record on the turn (approximations made while translating).
  warnings: string[];
}

export interface Usage {
  // Total prompt tokens, cache reads and writes included (OpenAI's convention).
  inputTokens: number;
  // Subset of inputTokens served from the provider's prompt cache.
  cachedInputTokens: number;
  // Subset of inputTokens written to the prompt cache (Anthropic bills these higher).
  cacheWriteTokens: number;
  // Total completion tokens, reasoning included.
  outputTokens: number;
  reasoningTokens: number;
}

export type FinishReason =
  | 'stop'
  | 'length' // max output tokens: Responses `incomplete` / max_output_tokens
  | 'tool_calls'
  | 'content_filter'
  | 'refusal';

export interface GatewayErrorInfo {
  status: number;
  type: string;
  code: string | null;
  message: string;
  param?: string | null;
}

// The stream every provider produces and every dialect consumes. Blocks are
// identified by `key`, unique within one response, so providers that interleave
// (parallel tool calls by index, Gemini parts) need no reordering here.
export type Event =
  | { type: 'start'; id?: string; model?: string }
  | { type: 'text_start'; key: string; phase?: string }
  | { type: 'text_delta'; key: string; delta: string }
  | { type: 'text_end'; key: string }
  | { type: 'refusal_start'; key: string }
  | { type: 'refusal_delta'; key: string; delta: string }
  | { type: 'refusal_end'; key: string }
  | { type: 'reasoning_start'; key: string; id?: string }
  // `summary` deltas are user-facing summaries; `text` is raw reasoning (DeepSeek, vLLM).
  | { type: 'reasoning_delta'; key: string; delta: string; kind: 'summary' | 'text'; summaryIndex?: number }
  // `encryptedContent` is passed through untouched (OpenAI's own); `state` is sealed by
  // the pipeline into the item's encrypted_content.
  | { type: 'reasoning_end'; key: string; encryptedContent?: string; state?: ProviderState }
  // Tool calls carry the client-facing name: providers restore flattened namespace
  // names and unwrap custom tools before emitting.
  | { type: 'tool_call_start'; key: string; callId: string; name: string; namespace?: string; kind: 'function' | 'custom'; id?: string }
  // For `function`: a fragment of the JSON arguments. For `custom`: a fragment of the raw input.
  | { type: 'tool_call_delta'; key: string; delta: string }
  | { type: 'tool_call_end'; key: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; reason: FinishReason; raw?: string }
  | { type: 'error'; error: GatewayErrorInfo }
  // An upstream item or field the canonical model cannot carry, recorded on the turn (dialects send nothing).
  | { type: 'warning'; message: string };

export const emptyUsage = (): Usage => ({
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});
