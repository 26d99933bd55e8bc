// One test per JSON Schema keyword that convertJsonSchemaToGemini drops or rewrites, and
// every Codex tool schema checked against the fake's copy of Gemini's Schema rules.
import { describe, expect, it } from 'vitest';
import { convertJsonSchemaToGemini } from '../../../../src/providers/google/convert-json-schema-to-gemini.js';
import { readCodexRequest } from '../../../support/fixtures.js';
import { validateGeminiRequest } from '../../../support/fake-gemini-upstream.js';

// A property's converted schema: wraps `schema` as the one property of an object.
const prop = (schema: Record<string, unknown>, root: Record<string, unknown> = {}) =>
  convertJsonSchemaToGemini({ type: 'object', properties: { p: schema }, ...root })!.properties!.p;

describe('convertJsonSchemaToGemini: kept as they are', () => {
  it('type (upper-cased to the Type enum), description, title, required, properties', () => {
    expect(
      convertJsonSchemaToGemini({ type: 'object', title: 'T', description: 'D', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['a'] }),
    ).toEqual({ type: 'OBJECT', title: 'T', description: 'D', properties: { a: { type: 'STRING' }, b: { type: 'INTEGER' } }, required: ['a'] });
  });

  it('array items, minItems, maxItems', () => {
    expect(prop({ type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 })).toEqual({ type: 'ARRAY', items: { type: 'NUMBER' }, minItems: 1, maxItems: 3 });
  });

  it('string enum, minLength, maxLength, pattern; number minimum, maximum; default; propertyOrdering', () => {
    expect(prop({ type: 'string', enum: ['a', 'b'], minLength: 1, maxLength: 9, pattern: '^[ab]$', default: 'a' })).toEqual({
      type: 'STRING', enum: ['a', 'b'], minLength: 1, maxLength: 9, pattern: '^[ab]$', default: 'a',
    });
    expect(prop({ type: 'number', minimum: 0, maximum: 1 })).toEqual({ type: 'NUMBER', minimum: 0, maximum: 1 });
    expect(convertJsonSchemaToGemini({ type: 'object', properties: { b: { type: 'string' }, a: { type: 'string' } }, propertyOrdering: ['b', 'a'] })).toMatchObject({ propertyOrdering: ['b', 'a'] });
  });

  it('formats Gemini knows: date-time, int64, double', () => {
    expect(prop({ type: 'string', format: 'date-time' })).toEqual({ type: 'STRING', format: 'date-time' });
    expect(prop({ type: 'integer', format: 'int64' })).toEqual({ type: 'INTEGER', format: 'int64' });
    expect(prop({ type: 'number', format: 'double' })).toEqual({ type: 'NUMBER', format: 'double' });
  });
});

describe('convertJsonSchemaToGemini: dropped', () => {
  it.each([
    ['additionalProperties', { additionalProperties: false }],
    ['$schema', { $schema: 'http://json-schema.org/draft-07/schema#' }],
    ['$id', { $id: 'https://example.com/s' }],
    ['$comment', { $comment: 'x' }],
    ['strict', { strict: true }],
    ['patternProperties', { patternProperties: { '^x': { type: 'string' } } }],
    ['propertyNames', { propertyNames: { pattern: '^a' } }],
    ['unevaluatedProperties', { unevaluatedProperties: false }],
    ['dependentRequired', { dependentRequired: { a: ['b'] } }],
    ['not', { not: { required: ['z'] } }],
    ['if/then/else', { if: { required: ['a'] }, then: { required: ['b'] }, else: {} }],
    ['x- extensions', { 'x-internal': true }],
  ])('%s (object level)', (_name, extra) => {
    expect(convertJsonSchemaToGemini({ type: 'object', properties: { a: { type: 'string' } }, ...extra })).toEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' } } });
  });

  it.each([
    ['uniqueItems', { type: 'array', items: { type: 'string' }, uniqueItems: true }, { type: 'ARRAY', items: { type: 'STRING' } }],
    ['contains', { type: 'array', items: { type: 'string' }, contains: { const: 'a' } }, { type: 'ARRAY', items: { type: 'STRING' } }],
    ['multipleOf', { type: 'number', multipleOf: 5 }, { type: 'NUMBER' }],
    ['readOnly / writeOnly / deprecated', { type: 'string', readOnly: true, writeOnly: false, deprecated: true }, { type: 'STRING' }],
    ['contentEncoding / contentMediaType', { type: 'string', contentEncoding: 'base64', contentMediaType: 'image/png' }, { type: 'STRING' }],
    ['boolean exclusiveMinimum (draft 4)', { type: 'number', minimum: 1, exclusiveMinimum: true }, { type: 'NUMBER', minimum: 1 }],
  ])('%s', (_name, schema, expected) => {
    expect(prop(schema)).toEqual(expected);
  });

  it('$defs / definitions (after their $refs are inlined)', () => {
    const out = convertJsonSchemaToGemini({ type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { type: 'string' } }, definitions: { B: { type: 'number' } } });
    expect(out).toEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' } } });
  });

  it('required names without a property', () => {
    expect(convertJsonSchemaToGemini({ type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'ghost'] })).toEqual({
      type: 'OBJECT', properties: { a: { type: 'STRING' } }, required: ['a'],
    });
  });

  it('an object with no properties at the top: no parameters at all (Gemini refuses an empty OBJECT)', () => {
    expect(convertJsonSchemaToGemini({ type: 'object', properties: {}, required: [], additionalProperties: false })).toBeUndefined();
    expect(convertJsonSchemaToGemini({ type: 'object' })).toBeUndefined();
  });

  it('a nested object with no properties stays a bare OBJECT (no empty properties)', () => {
    expect(prop({ type: 'object', properties: {}, additionalProperties: { type: 'string' } })).toEqual({ type: 'OBJECT' });
  });
});

describe('convertJsonSchemaToGemini: rewritten', () => {
  it('type: [T, "null"] → type T, nullable', () => {
    expect(prop({ type: ['string', 'null'] })).toEqual({ type: 'STRING', nullable: true });
  });

  it('type: [T, U] → anyOf of each type', () => {
    expect(prop({ type: ['string', 'number'], description: 'd' })).toEqual({ anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }], description: 'd' });
  });

  it('anyOf with a null branch → the other branch, nullable (the outer description wins)', () => {
    expect(prop({ anyOf: [{ type: 'integer', description: 'inner' }, { type: 'null' }], description: 'outer' })).toEqual({ type: 'INTEGER', description: 'outer', nullable: true });
  });

  it('oneOf → anyOf', () => {
    expect(prop({ oneOf: [{ type: 'string' }, { type: 'object', properties: { x: { type: 'number' } } }] })).toEqual({
      anyOf: [{ type: 'STRING' }, { type: 'OBJECT', properties: { x: { type: 'NUMBER' } } }],
    });
  });

  it('anyOf branches that only constrain (required: [...]) are dropped', () => {
    expect(prop({ type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ required: ['a'] }, { required: ['b'] }] })).toEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' } } });
  });

  it('allOf → one merged schema (properties and required united)', () => {
    expect(
      prop({ allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'number' } }, required: ['b'] }] }),
    ).toEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' }, b: { type: 'NUMBER' } }, required: ['a', 'b'] });
  });

  it('const (string) → a one-value enum', () => {
    expect(prop({ const: 'fixed' })).toEqual({ type: 'STRING', enum: ['fixed'] });
  });

  it('const / enum with non-string values → described (Gemini enums are strings)', () => {
    expect(prop({ const: 3 })).toEqual({ type: 'INTEGER', description: 'Must be 3.' });
    expect(prop({ type: 'integer', enum: [1, 2, 3], description: 'Level.' })).toEqual({ type: 'INTEGER', description: 'Level. Allowed values: 1, 2, 3.' });
  });

  it('enum with null → nullable string enum', () => {
    expect(prop({ enum: ['a', null] })).toEqual({ type: 'STRING', enum: ['a'], nullable: true });
  });

  it('$ref to #/$defs and #/definitions → inlined, siblings applied', () => {
    expect(prop({ $ref: '#/$defs/Mode', description: 'How.' }, { $defs: { Mode: { type: 'string', enum: ['fast', 'slow'] } } })).toEqual({
      type: 'STRING', enum: ['fast', 'slow'], description: 'How.',
    });
    expect(prop({ $ref: '#/definitions/N' }, { definitions: { N: { type: 'number' } } })).toEqual({ type: 'NUMBER' });
  });

  it('a recursive $ref stops at the repeat', () => {
    const out = prop({ $ref: '#/$defs/Node' }, { $defs: { Node: { type: 'object', properties: { child: { $ref: '#/$defs/Node' } } } } });
    expect(out).toEqual({ type: 'OBJECT', properties: { child: { type: 'OBJECT', description: 'A Node (recursive; same shape as its parent).' } } });
  });

  it('exclusiveMinimum / exclusiveMaximum (numbers) → minimum / maximum', () => {
    expect(prop({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 10 })).toEqual({ type: 'NUMBER', minimum: 0, maximum: 10 });
  });

  it('examples → example (the first)', () => {
    expect(prop({ type: 'string', examples: ['x', 'y'] })).toEqual({ type: 'STRING', example: 'x' });
  });

  it('formats Gemini does not know → noted in the description', () => {
    expect(prop({ type: 'string', format: 'uri', description: 'Link.' })).toEqual({ type: 'STRING', description: 'Link. Format: uri.' });
  });

  it('missing type inferred from properties / items', () => {
    expect(prop({ properties: { a: { type: 'string' } } })).toEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' } } });
    expect(prop({ items: { type: 'string' } })).toEqual({ type: 'ARRAY', items: { type: 'STRING' } });
  });

  it('tuple items / prefixItems → items anyOf', () => {
    expect(prop({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] })).toEqual({ type: 'ARRAY', items: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] } });
  });
});

describe("Codex's real tool schemas", () => {
  it.each(['turn1-request.json', 'gpt-5.5-turn1-request.json', 'apply-patch-catalog-turn1-request.json'])('%s: every function schema converts to one Gemini accepts', (file) => {
    const body = readCodexRequest(file).body;
    const fns = body.tools.flatMap((t: any) => (t.type === 'function' ? [t] : t.type === 'namespace' ? t.tools : []));
    expect(fns.length).toBeGreaterThan(3);
    const declarations = fns.map((t: any, i: number) => {
      const parameters = convertJsonSchemaToGemini(t.parameters);
      return { name: `f${i}`, ...(parameters ? { parameters } : {}) };
    });
    const problem = validateGeminiRequest({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }], tools: [{ functionDeclarations: declarations }] }, 'gemini-2.5-pro');
    expect(problem).toBeNull();
    // And the raw schemas would not be accepted (every Codex tool declares additionalProperties).
    const raw = fns.map((t: any, i: number) => ({ name: `f${i}`, parameters: t.parameters }));
    expect(validateGeminiRequest({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }], tools: [{ functionDeclarations: raw }] }, 'gemini-2.5-pro')).toMatch(/Unknown name "additionalProperties"/);
  });
});
