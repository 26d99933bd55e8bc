// Small validators shared by the Chat Completions request decoders. Each one names the
// exact field in its 400 (`messages[2].tool_call_id`). The general ones both dialects
// use (isObject, missing, optional) are in ../shared/validate-fields.ts; these keep the
// Chat dialect's wording ("must be a string", code `invalid_value`), which differs from
// the Responses decoders' (`invalid_type`), see ../responses/decode-checks.ts.
import { invalidRequest } from '../../http/errors.js';
import { isObject, missing, type JsonObject } from '../shared/validate-fields.js';

export function requireObject(value: unknown, path: string): JsonObject {
  if (value === undefined || value === null) throw missing(path);
  if (!isObject(value)) throw invalidRequest(path, 'must be an object');
  return value;
}

export function requireString(value: unknown, path: string, allowEmpty = false): string {
  if (value === undefined || value === null) throw missing(path);
  if (typeof value !== 'string') throw invalidRequest(path, 'must be a string');
  if (!allowEmpty && value === '') throw invalidRequest(path, 'must not be empty');
  return value;
}

// Every nested Chat object is closed: a key it does not know is `unknown_parameter`.
export function onlyFields(obj: JsonObject, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw invalidRequest(`${path}.${key}`, 'unrecognized argument', 'unknown_parameter');
  }
}

// Optional fields: absent and null both mean "not set", as in OpenAI's API.
export function optString(obj: JsonObject, key: string, path = key): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidRequest(path, 'must be a string');
  return v;
}

export function optBoolean(obj: JsonObject, key: string, path = key): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidRequest(path, 'must be a boolean');
  return v;
}

export function optNumber(obj: JsonObject, key: string, min: number, max: number): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw invalidRequest(key, `must be a number between ${min} and ${max}`);
  }
  return v;
}

export function optInteger(obj: JsonObject, key: string, min: number): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw invalidRequest(key, min === 1 ? 'must be a positive integer' : 'must be an integer');
  }
  return v;
}

export function optEnum<T extends string>(obj: JsonObject, key: string, allowed: readonly T[], path = key): T | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw invalidRequest(path, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return v as T;
}
