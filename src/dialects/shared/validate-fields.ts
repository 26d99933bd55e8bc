// Validators both inbound dialects (Responses, Chat Completions) use with the same
// meaning and the same 400. What differs between them stays in each dialect's own
// checks file: the Responses decoders answer a wrong type as OpenAI's Responses API
// does (`invalid_type`, "expected a string, got a number"), the Chat decoders as the
// Chat dialect always has (`invalid_value`, "must be a string").
import { type GatewayError, invalidRequest } from '../../http/errors.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function missing(param: string): GatewayError {
  return invalidRequest(param, 'is required', 'missing_required_parameter');
}

// Spreads `{key: value}` only when the value is present, so absent fields stay absent
// (the canonical types use optional fields, never `undefined` values).
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
