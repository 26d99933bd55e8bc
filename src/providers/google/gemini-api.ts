// The Gemini wire shapes, written down once: the `generateContent` request we send
// (https://ai.google.dev/api/generate-content#request-body, Vertex AI's twin at
// https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/projects.locations.publishers.models/generateContent)
// and the `GenerateContentResponse` chunks `:streamGenerateContent?alt=sse` sends back
// (https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse). Both the
// Gemini API and Vertex AI speak it; Vertex adds `partialArgs`/`willContinue` on streamed
// function calls. Chunks are only looked at, never trusted: every field is optional.

// ---- Request -------------------------------------------------------------------------

// https://ai.google.dev/api/caching#Schema: an OpenAPI 3.0 subset; a key outside it is a
// hard 400 ("Invalid JSON payload received. Unknown name …").
export type GeminiType = 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT' | 'NULL';

export interface GeminiSchema {
  type?: GeminiType;
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  maxItems?: number;
  minItems?: number;
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  minProperties?: number;
  maxProperties?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  example?: unknown;
  anyOf?: GeminiSchema[];
  propertyOrdering?: string[];
  default?: unknown;
  items?: GeminiSchema;
  minimum?: number;
  maximum?: number;
}

export interface GeminiFunctionCall {
  name?: string;
  args?: Record<string, unknown>;
  // Set by the Live API and some models; we never rely on it (see parse-gemini-stream.ts).
  id?: string;
  // Vertex AI `streamFunctionCallArguments`: the call arrives in pieces.
  partialArgs?: GeminiPartialArg[];
  willContinue?: boolean;
}

// https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Content#PartialArg
export interface GeminiPartialArg {
  jsonPath?: string;
  stringValue?: string;
  numberValue?: number;
  boolValue?: boolean;
  nullValue?: unknown;
  willContinue?: boolean;
}

export interface GeminiFunctionResponse {
  name: string;
  // "Use 'output' key to specify function output and 'error' key to specify error details"
  // (https://ai.google.dev/api/caching#FunctionResponse).
  response: Record<string, unknown>;
  id?: string;
}

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  executableCode?: unknown;
  codeExecutionResult?: unknown;
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
}

export interface GeminiToolConfig {
  functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
}

export type GeminiThinkingLevel = 'minimal' | 'low' | 'medium' | 'high';

export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  thinkingBudget?: number;
  thinkingLevel?: GeminiThinkingLevel;
}

export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseJsonSchema?: Record<string, unknown>;
  thinkingConfig?: GeminiThinkingConfig;
}

// https://ai.google.dev/api/generate-content#v1beta.HarmCategory
export type GeminiHarmCategory =
  | 'HARM_CATEGORY_HARASSMENT'
  | 'HARM_CATEGORY_HATE_SPEECH'
  | 'HARM_CATEGORY_SEXUALLY_EXPLICIT'
  | 'HARM_CATEGORY_DANGEROUS_CONTENT';

// https://ai.google.dev/api/generate-content#HarmBlockThreshold
export type GeminiHarmBlockThreshold = 'BLOCK_NONE' | 'BLOCK_ONLY_HIGH' | 'BLOCK_MEDIUM_AND_ABOVE' | 'BLOCK_LOW_AND_ABOVE' | 'OFF';

export interface GeminiSafetySetting {
  category: GeminiHarmCategory;
  threshold: GeminiHarmBlockThreshold;
}

export interface GeminiRequestBody {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: GeminiToolConfig;
  safetySettings?: GeminiSafetySetting[];
  generationConfig?: GeminiGenerationConfig;
}

// ---- Stream chunks -------------------------------------------------------------------

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  [extra: string]: unknown;
}

export interface GeminiSafetyRating {
  category?: string;
  probability?: string;
  blocked?: boolean;
  [extra: string]: unknown;
}

export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] | null } | null;
  finishReason?: string | null;
  finishMessage?: string | null;
  safetyRatings?: GeminiSafetyRating[] | null;
  index?: number;
  [extra: string]: unknown;
}

export interface GeminiStreamChunk {
  candidates?: GeminiCandidate[] | null;
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string; safetyRatings?: GeminiSafetyRating[] } | null;
  usageMetadata?: GeminiUsageMetadata | null;
  modelVersion?: string;
  responseId?: string;
  // An error sent inside a 200 stream.
  error?: GoogleErrorBody['error'] | null;
  [extra: string]: unknown;
}

// ---- Errors --------------------------------------------------------------------------

// https://cloud.google.com/apis/design/errors#error_model, with google.rpc details such as
// RetryInfo (https://github.com/googleapis/googleapis/blob/master/google/rpc/error_details.proto).
export interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: Array<{ '@type'?: string; retryDelay?: string; [extra: string]: unknown }>;
  };
}
