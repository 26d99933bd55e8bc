// Small validators shared by the Responses request decoders. Each one names the exact
// field in its 400 (`input[3].call_id`), with the codes OpenAI itself uses for the same
// mistakes (`missing_required_parameter`, `invalid_type`, `invalid_value`,
// `unknown_parameter`), so a client sees the same error shape from us as from OpenAI.
// The validators the Chat dialect shares (isObject, missing, optional) live in
// ../shared/validate-fields.ts.
import { GatewayError, invalidRequest } from '../../http/errors.js';
import { isObject, missing, type JsonObject } from '../shared/validate-fields.js';

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function wrongType(param: string, expected: string, value: unknown): GatewayError {
  return invalidRequest(param, `expected ${expected}, got ${describe(value)}`, 'invalid_type');
}

export function unknownParameter(param: string): GatewayError {
  return new GatewayError(400, 'unknown_parameter', `Unknown parameter: '${param}'.`, { param });
}

export function expectObject(value: unknown, param: string): JsonObject {
  if (!isObject(value)) throw wrongType(param, 'an object', value);
  return value;
}

export function expectArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) throw wrongType(param, 'an array', value);
  return value;
}

// `null` counts as absent throughout: OpenAI's schema makes nearly every optional field nullable.
export function requiredString(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (value === undefined || value === null) throw missing(path);
  if (typeof value !== 'string') throw wrongType(path, 'a string', value);
  return value;
}

export function optionalString(obj: JsonObject, key: string, path: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(path, 'a string', value);
  return value;
}

export function optionalBoolean(obj: JsonObject, key: string, path: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(path, 'a boolean', value);
  return value;
}

export function optionalNumber(
  obj: JsonObject,
  key: string,
  path: string,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(path, 'a number', value);
  if (range.integer && !Number.isInteger(value)) throw invalidRequest(path, `expected an integer, got ${value}`);
  if (range.min !== undefined && value < range.min) throw invalidRequest(path, `must be at least ${range.min}, got ${value}`);
  if (range.max !== undefined && value > range.max) throw invalidRequest(path, `must be at most ${range.max}, got ${value}`);
  return value;
}

export function optionalEnum<T extends string>(
  obj: JsonObject,
  key: string,
  path: string,
  allowed: readonly T[],
): T | undefined {
  const value = optionalString(obj, key, path);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw badEnum(path, value, allowed);
  return value as T;
}

export function badEnum(path: string, value: unknown, allowed: readonly string[]): GatewayError {
  return invalidRequest(
    path,
    `got ${JSON.stringify(value)}; supported values are ${allowed.map((a) => `'${a}'`).join(', ')}`,
  );
}
