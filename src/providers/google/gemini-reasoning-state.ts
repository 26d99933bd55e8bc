// What a Gemini reasoning item carries through the client (sealed into its
// `encrypted_content` by the pipeline, src/state/seal-state.ts): the thought parts and
// the thought signatures of one model response, so the next request can give them back
// on the very parts they came on.
//
// Google: "if you receive a thought signature in a model response, you should pass it back
// exactly as received", on "the exact part" it came with; Gemini 3 refuses (400) a current
// turn whose first functionCall part of a step lacks it
// (https://ai.google.dev/gemini-api/docs/thought-signatures).
//
// Parts are anchored by what survives the client's round trip rather than by raw index:
// a function call by the call id the gateway gave it (Codex echoes call ids untouched), and
// a text signature by its place, right after the text it belonged to (streams send it last,
// often on an empty text part, so its reasoning item follows the message).
import type { ProviderState } from '../../canonical/types.js';

export const GEMINI_STATE_VERSION = 1;

export interface GeminiThoughtPart {
  text: string;
  thoughtSignature?: string;
}

export interface GeminiReasoningState {
  v: typeof GEMINI_STATE_VERSION;
  // `thought: true` parts, in order, as Gemini sent them (streamed pieces of one run merged).
  thoughts?: GeminiThoughtPart[];
  // functionCall part signatures, by the call id the gateway gave the call.
  calls?: Record<string, string>;
  // The signature that closed the text (or the last part) just before this reasoning item.
  previousPart?: string;
}

// "skip_thought_signature_validator": Google's documented value for a function call whose
// signature is not available (history written by another model or an older client); Gemini 3
// then accepts the turn (documented on https://ai.google.dev/gemini-api/docs/thought-signatures;
// the AI SDK does the same for Gemini 3 replays: vercel/ai#15560).
export const SKIP_SIGNATURE_VALIDATOR = 'skip_thought_signature_validator';

export function geminiState(model: string, data: GeminiReasoningState): ProviderState {
  return { family: 'google', model, data };
}

// The state of a reasoning item, if it is Gemini's and readable; undefined otherwise.
export function readGeminiState(state: ProviderState | undefined): GeminiReasoningState | undefined {
  if (!state || state.family !== 'google') return undefined;
  const data = state.data as Partial<GeminiReasoningState> | null;
  if (!data || typeof data !== 'object' || data.v !== GEMINI_STATE_VERSION) return undefined;
  return data as GeminiReasoningState;
}
