// JSON Schema (what Responses and Chat tools declare) → Gemini's `Schema`, the OpenAPI 3.0
// subset `FunctionDeclaration.parameters` accepts (https://ai.google.dev/api/caching#Schema;
// Vertex: https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Schema).
//
// Why `parameters` and not `parametersJsonSchema`: `parameters` is a protobuf message with a
// fixed field list that every Gemini generation (2.x, 3.x) and Vertex AI accept, and a key
// outside that list is a certain 400 ("Unknown name \"additionalProperties\" … Cannot find
// field"), so a whitelist converter makes every request valid by construction. The newer
// `parametersJsonSchema` keeps more (additionalProperties, $ref) but which keywords each
// model then honours, ignores or refuses is not written down, and cannot be checked offline.
//
// Every keyword outside the subset is dropped or rewritten; each case has a test
// (test/unit/providers/google/convert-json-schema-to-gemini.test.ts):
// - `type: [T, "null"]` → `type: T, nullable: true`; several types → `anyOf`;
// - `anyOf`/`oneOf` → `anyOf` (a `{type: "null"}` branch becomes `nullable`; one branch left
//   is inlined); `allOf` → merged into one schema;
// - `const` → a one-value `enum`; `enum` with non-string values → listed in the description
//   (Gemini enums are strings);
// - `$ref` to `#/$defs/…` or `#/definitions/…` → inlined (a recursive one stops at the
//   repeat, as an object described by name);
// - `exclusiveMinimum`/`exclusiveMaximum` (numbers) → `minimum`/`maximum` when those are absent;
// - `examples` → `example` (the first);
// - `format` other than date-time, enum, float, double, int32, int64 → noted in the description;
// - `required` names without a property are dropped; a missing `type` is inferred from
//   `properties` / `items`;
// - dropped: `additionalProperties`, `$schema`, `$id`, `$defs`, `strict`, `patternProperties`,
//   `propertyNames`, `uniqueItems`, `multipleOf`, `not`, `if`/`then`/`else`, `dependencies`,
//   `contains`, `readOnly`, `deprecated`, `x-*` … (whatever the subset lacks);
// - an object without properties at the top level means "no parameters" (Gemini refuses an
//   empty `properties`), nested it stays a bare OBJECT.
import type { JsonSchema } from '../../canonical/types.js';
import type { GeminiSchema, GeminiType } from './gemini-api.js';

type Json = Record<string, unknown>;

const TYPES: Record<string, GeminiType> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
};

// Formats Gemini documents for its types; others only describe the value.
const FORMATS: Partial<Record<GeminiType, ReadonlySet<string>>> = {
  STRING: new Set(['date-time', 'enum']),
  NUMBER: new Set(['float', 'double']),
  INTEGER: new Set(['int32', 'int64']),
};

const MAX_DEPTH = 64;

// undefined: the function takes no parameters (leave `parameters` out).
export function convertJsonSchemaToGemini(schema: JsonSchema | undefined): GeminiSchema | undefined {
  if (!isObject(schema)) return undefined;
  const converted = new Converter(schema).convert(schema, 0, []);
  if (converted.type === 'OBJECT' && (!converted.properties || Object.keys(converted.properties).length === 0)) return undefined;
  return converted;
}

class Converter {
  constructor(private readonly root: Json) {}

  convert(node: unknown, depth: number, refs: string[]): GeminiSchema {
    if (node === true || !isObject(node)) return {};
    if (depth > MAX_DEPTH) return { description: 'Schema nested too deeply to describe.' };

    // $ref: inline the definition (siblings of $ref are applied on top, as 2019-09+ allows).
    if (typeof node.$ref === 'string') {
      const ref = node.$ref;
      const { $ref: _ref, ...siblings } = node;
      if (refs.includes(ref)) {
        const name = ref.slice(ref.lastIndexOf('/') + 1);
        return withDescription({ type: 'OBJECT' }, `A ${name} (recursive; same shape as its parent).`, siblings.description);
      }
      const target = this.resolve(ref);
      if (!target) return this.convert(siblings, depth + 1, refs);
      return this.convert(mergeAll([target, siblings]), depth + 1, [...refs, ref]);
    }

    if (Array.isArray(node.allOf) && node.allOf.length > 0) {
      const { allOf, ...rest } = node;
      const parts = allOf.map((s) => this.expand(s, refs)).filter(isObject);
      return this.convert(mergeAll([...parts, rest]), depth + 1, refs);
    }

    const out: GeminiSchema = {};
    let nullable = false;
    const notes: string[] = [];

    // type (and type arrays)
    const types = (Array.isArray(node.type) ? node.type : node.type !== undefined ? [node.type] : []).filter((t): t is string => typeof t === 'string');
    if (types.includes('null')) nullable = true;
    const concrete = types.filter((t) => t !== 'null' && TYPES[t] !== undefined).map((t) => TYPES[t]);
    if (concrete.length === 1) out.type = concrete[0];
    else if (concrete.length > 1) out.anyOf = concrete.map((type) => ({ type }));

    // anyOf / oneOf
    const branches = [...(Array.isArray(node.anyOf) ? node.anyOf : []), ...(Array.isArray(node.oneOf) ? node.oneOf : [])];
    if (branches.length > 0) {
      const converted: GeminiSchema[] = [];
      for (const b of branches) {
        if (isNullSchema(b)) nullable = true;
        else {
          const c = this.convert(b, depth + 1, refs);
          // A branch that only constrains (`{required: [...]}`) says nothing Gemini can use.
          if (Object.keys(c).length > 0) converted.push(c);
        }
      }
      // One branch left (`anyOf: [T, null]`): T itself, nullable; the node's own description wins.
      if (converted.length === 1 && out.type === undefined && out.anyOf === undefined) Object.assign(out, converted[0]);
      else if (converted.length > 0) out.anyOf = [...(out.anyOf ?? []), ...converted];
    }

    if (typeof node.title === 'string') out.title = node.title;
    if (typeof node.description === 'string') out.description = node.description;

    // enum and const
    const values = node.const !== undefined ? [node.const] : Array.isArray(node.enum) ? node.enum : undefined;
    if (values !== undefined) {
      if (values.includes(null)) nullable = true;
      const nonNull = values.filter((v) => v !== null);
      if (nonNull.length > 0 && nonNull.every((v) => typeof v === 'string')) {
        out.enum = nonNull as string[];
        if (out.type === undefined && out.anyOf === undefined) out.type = 'STRING';
      } else if (nonNull.length > 0) {
        notes.push(nonNull.length === 1 ? `Must be ${JSON.stringify(nonNull[0])}.` : `Allowed values: ${nonNull.map((v) => JSON.stringify(v)).join(', ')}.`);
        const inferred = inferType(nonNull[0]);
        if (inferred !== undefined && out.type === undefined && out.anyOf === undefined) out.type = inferred;
      }
    }

    // objects
    if (isObject(node.properties)) {
      const properties: Record<string, GeminiSchema> = {};
      for (const [name, sub] of Object.entries(node.properties)) properties[name] = this.convert(sub, depth + 1, refs);
      if (out.type === undefined && out.anyOf === undefined) out.type = 'OBJECT';
      if (Object.keys(properties).length > 0) out.properties = properties;
      if (Array.isArray(node.required)) {
        const required = node.required.filter((r): r is string => typeof r === 'string' && r in properties);
        if (required.length > 0) out.required = [...new Set(required)];
      }
      if (Array.isArray(node.propertyOrdering)) {
        const ordering = node.propertyOrdering.filter((r): r is string => typeof r === 'string' && r in properties);
        if (ordering.length > 0) out.propertyOrdering = ordering;
      }
    }
    copyCount(node, out, 'minProperties');
    copyCount(node, out, 'maxProperties');

    // arrays
    const items = Array.isArray(node.prefixItems) ? node.prefixItems : node.items;
    if (Array.isArray(items)) {
      const converted = items.map((s) => this.convert(s, depth + 1, refs));
      if (converted.length === 1) out.items = converted[0];
      else if (converted.length > 1) out.items = { anyOf: converted };
    } else if (items !== undefined && items !== false) {
      out.items = this.convert(items, depth + 1, refs);
    }
    if (out.items !== undefined && out.type === undefined && out.anyOf === undefined) out.type = 'ARRAY';
    copyCount(node, out, 'minItems');
    copyCount(node, out, 'maxItems');

    // strings and numbers
    copyCount(node, out, 'minLength');
    copyCount(node, out, 'maxLength');
    if (typeof node.pattern === 'string') out.pattern = node.pattern;
    if (typeof node.minimum === 'number') out.minimum = node.minimum;
    else if (typeof node.exclusiveMinimum === 'number') out.minimum = node.exclusiveMinimum;
    if (typeof node.maximum === 'number') out.maximum = node.maximum;
    else if (typeof node.exclusiveMaximum === 'number') out.maximum = node.exclusiveMaximum;
    if (typeof node.format === 'string') {
      if (out.type !== undefined && FORMATS[out.type]?.has(node.format)) out.format = node.format;
      else notes.push(`Format: ${node.format}.`);
    }

    if (node.default !== undefined) out.default = node.default;
    if (node.example !== undefined) out.example = node.example;
    else if (Array.isArray(node.examples) && node.examples.length > 0) out.example = node.examples[0];

    if (nullable) out.nullable = true;
    if (notes.length > 0) out.description = [out.description, ...notes].filter(Boolean).join(' ');
    return out;
  }

  // A schema with its top-level $ref resolved (for allOf merging).
  private expand(node: unknown, refs: string[]): unknown {
    if (isObject(node) && typeof node.$ref === 'string' && !refs.includes(node.$ref)) {
      const { $ref, ...siblings } = node;
      const target = this.resolve($ref);
      return target ? mergeAll([target, siblings]) : siblings;
    }
    return node;
  }

  private resolve(ref: string): Json | undefined {
    if (ref === '#') return this.root;
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    if (!match) return undefined;
    const defs = this.root[match[1]];
    const name = match[2].replace(/~1/g, '/').replace(/~0/g, '~');
    return isObject(defs) && isObject(defs[name]) ? defs[name] : undefined;
  }
}

// allOf: properties and required are unions; for anything else the first schema wins.
function mergeAll(schemas: Json[]): Json {
  const out: Json = {};
  for (const s of schemas) {
    for (const [key, value] of Object.entries(s)) {
      if (key === 'properties' && isObject(value)) out.properties = { ...(isObject(out.properties) ? out.properties : {}), ...value };
      else if (key === 'required' && Array.isArray(value)) out.required = [...(Array.isArray(out.required) ? out.required : []), ...value];
      else if (!(key in out)) out[key] = value;
    }
  }
  return out;
}

function isNullSchema(node: unknown): boolean {
  return isObject(node) && (node.type === 'null' || (Array.isArray(node.type) && node.type.length === 1 && node.type[0] === 'null'));
}

function inferType(value: unknown): GeminiType | undefined {
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'number') return Number.isInteger(value) ? 'INTEGER' : 'NUMBER';
  if (Array.isArray(value)) return 'ARRAY';
  if (isObject(value)) return 'OBJECT';
  return undefined;
}

function copyCount(node: Json, out: GeminiSchema, key: 'minItems' | 'maxItems' | 'minLength' | 'maxLength' | 'minProperties' | 'maxProperties'): void {
  const value = node[key];
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) out[key] = value;
}

function withDescription(schema: GeminiSchema, note: string, description: unknown): GeminiSchema {
  return { ...schema, description: typeof description === 'string' ? `${description} ${note}` : note };
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
