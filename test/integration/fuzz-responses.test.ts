// Bad input to POST /v1/responses, generated (fast-check) and sent over real HTTP to a
// real gateway in front of a fake upstream that always answers. The property: never a
// 5xx, never a hang, every 4xx in OpenAI's shape {error:{message,type,code,param}}, and
// a deliberate fault in a field gets a 400 whose `param` names that field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkAnswer,
  headerVariants,
  infiniteLiteral,
  invalidUtf8Sequences,
  nest,
  outOfRange,
  send,
  small,
  startFuzzRig,
  toJson,
  unknownName,
  withInvalidUtf8,
  wrongKind,
  type FuzzRig,
  type JsonKind,
  type Sent,
} from '../support/fuzz-http.js';

const PATH = '/v1/responses';
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

let rig: FuzzRig;
beforeAll(async () => {
  rig = await startFuzzRig();
});
afterAll(async () => {
  await rig?.close();
});

const base = () => ({ model: 'm', input: [{ role: 'user', content: 'hi' }] as unknown[] });

const KNOWN_FIELDS = [
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'text',
  'max_output_tokens', 'temperature', 'top_p', 'stream', 'store', 'include', 'prompt_cache_key', 'metadata',
  'user', 'safety_identifier', 'previous_response_id', 'conversation', 'background', 'prompt',
  'context_management', 'top_logprobs', 'truncation', 'service_tier', 'prompt_cache_retention',
  'client_metadata', 'stream_options', 'max_tool_calls',
];
const ITEM_TYPES = [
  'message', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'reasoning',
  'item_reference', 'web_search_call', 'file_search_call', 'computer_call', 'computer_call_output',
  'code_interpreter_call', 'image_generation_call', 'local_shell_call', 'local_shell_call_output', 'shell_call',
  'shell_call_output', 'apply_patch_call', 'apply_patch_call_output', 'mcp_list_tools', 'mcp_approval_request',
  'mcp_approval_response', 'mcp_call', 'tool_search_call', 'tool_search_output',
];
const ROLES = ['user', 'system', 'developer', 'assistant'];
const PART_TYPES = ['input_text', 'input_image', 'input_file', 'output_text'];
const TOOL_TYPES = [
  'function', 'custom', 'namespace', 'web_search', 'web_search_preview', 'web_search_2025_08_26',
  'web_search_preview_2025_03_11', 'file_search', 'computer_use_preview', 'computer_use', 'code_interpreter',
  'image_generation', 'mcp', 'local_shell', 'shell', 'apply_patch', 'tool_search',
];

// Top-level fields: what they must be, and the range of the numbers.
const FIELD_KINDS: [string, JsonKind, { min?: number; max?: number }?][] = [
  ['model', 'string'],
  ['instructions', 'string'],
  ['temperature', 'number', { min: 0, max: 2 }],
  ['top_p', 'number', { min: 0, max: 1 }],
  ['max_output_tokens', 'integer', { min: 1 }],
  ['top_logprobs', 'integer', { min: 0, max: 20 }],
  ['max_tool_calls', 'integer', { min: 0 }],
  ['stream', 'boolean'],
  ['store', 'boolean'],
  ['parallel_tool_calls', 'boolean'],
  ['background', 'boolean'],
  ['prompt_cache_key', 'string'],
  ['user', 'string'],
  ['safety_identifier', 'string'],
  ['previous_response_id', 'string'],
  ['truncation', 'string'],
  ['service_tier', 'string'],
  ['prompt_cache_retention', 'string'],
  ['metadata', 'object'],
  ['text', 'object'],
  ['reasoning', 'object'],
  ['client_metadata', 'object'],
  ['stream_options', 'object'],
  ['include', 'array'],
  ['tools', 'array'],
  ['context_management', 'array'],
];

// One deliberate fault in an otherwise valid body, with the param the 400 must name.
const fieldFault: fc.Arbitrary<Sent> = fc.oneof(
  // Wrong types and numbers out of range for top-level fields.
  fc.constantFrom(...FIELD_KINDS).chain(([field, kind, range]) => {
    const bad: fc.Arbitrary<unknown>[] = [wrongKind(kind)];
    if (range) bad.push(outOfRange(range.min, range.max));
    if (kind === 'number' || kind === 'integer') bad.push(infiniteLiteral);
    return fc.oneof(...bad).map((v) => ({ body: toJson({ ...base(), [field]: v }), param: field }));
  }),
  // input: neither a string nor an array.
  fc.oneof(fc.integer(), fc.boolean(), fc.dictionary(fc.string({ maxLength: 5 }), small, { maxKeys: 2 })).map((v) => ({ body: toJson({ model: 'm', input: v }), param: 'input' })),
  // Unknown top-level parameter.
  fc.tuple(unknownName(KNOWN_FIELDS), small).map(([k, v]) => ({ body: toJson({ ...base(), [k]: v }), param: k })),
  // Unknown item type.
  fc.tuple(unknownName(ITEM_TYPES), fc.nat({ max: 2 })).map(([t, i]) => {
    const input = [...Array(i)].map(() => ({ role: 'user', content: 'x' }));
    input.push({ type: t, role: 'user', content: 'x' } as never);
    return { body: toJson({ model: 'm', input }), param: `input[${i}].type` };
  }),
  // Item type of the wrong JSON type.
  wrongKind('string').map((t) => ({ body: toJson({ model: 'm', input: [{ type: t, role: 'user', content: 'x' }] }), param: 'input[0].type' })),
  // Bad role.
  fc.oneof(unknownName(ROLES), wrongKind('string')).map((r) => ({ body: toJson({ model: 'm', input: [{ type: 'message', role: r, content: 'x' }] }), param: 'input[0].role' })),
  // Unknown content part type (user and assistant messages, tool outputs).
  fc.tuple(unknownName([...PART_TYPES, 'refusal', 'input_audio']), fc.constantFrom('user', 'assistant', 'tool')).map(([t, where]) => {
    const part = { type: t, text: 'x' };
    if (where === 'tool') {
      return {
        body: toJson({
          model: 'm',
          input: [
            { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
            { type: 'function_call_output', call_id: 'c1', output: [part] },
          ],
        }),
        param: 'input[1].output[0].type',
      };
    }
    return { body: toJson({ model: 'm', input: [{ role: where, content: [part] }] }), param: 'input[0].content[0].type' };
  }),
  // Unknown tool type, and tools missing what they need.
  unknownName(TOOL_TYPES).map((t) => ({ body: toJson({ ...base(), tools: [{ type: t, name: 'f' }] }), param: 'tools[0].type' })),
  fc.constantFrom(
    { tools: [{ type: 'function' }], param: 'tools[0].name' },
    { tools: [{ type: 'function', name: 'f', parameters: [] }], param: 'tools[0].parameters' },
    { tools: [{ type: 'function', name: 'f', parameters: 'x' }], param: 'tools[0].parameters' },
    { tools: [{ type: 'custom', name: 'c', format: { type: 'grammar', syntax: 'ebnf', definition: '' } }], param: 'tools[0].format.syntax' },
    { tools: [{ type: 'namespace', name: 'n' }], param: 'tools[0].tools' },
    { tools: [{ type: 'namespace', name: 'n', tools: [{ type: 'web_search' }] }], param: 'tools[0].tools[0].type' },
    { tools: [[]], param: 'tools[0]' },
    { tools: [null], param: 'tools[0]' },
  ).map(({ tools, param }) => ({ body: toJson({ ...base(), tools }), param })),
  // Missing or mistyped item fields, arrays where objects are expected.
  fc.constantFrom(
    { input: [[]], param: 'input[0]' },
    { input: [null], param: 'input[0]' },
    { input: ['hi'], param: 'input[0]' },
    { input: [{}], param: 'input[0].type' },
    { input: [{ type: 'message', content: 'x' }], param: 'input[0].role' },
    { input: [{ role: 'user' }], param: 'input[0].content' },
    { input: [{ role: 'user', content: 5 }], param: 'input[0].content' },
    { input: [{ role: 'user', content: {} }], param: 'input[0].content' },
    { input: [{ role: 'user', content: [[]] }], param: 'input[0].content[0]' },
    { input: [{ role: 'user', content: [{ type: 'input_text' }] }], param: 'input[0].content[0].text' },
    { input: [{ role: 'user', content: [{ type: 'input_image' }] }], param: 'input[0].content[0].image_url' },
    { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x/y.png', detail: 'max' }] }], param: 'input[0].content[0].detail' },
    { input: [{ role: 'user', content: [{ type: 'input_file' }] }], param: 'input[0].content[0].file_data' },
    { input: [{ role: 'user', content: [{ type: 'input_audio' }] }], param: 'input[0].content[0].type' },
    { input: [{ type: 'function_call', name: 'f', arguments: '{}' }], param: 'input[0].call_id' },
    { input: [{ type: 'function_call', call_id: 'c', arguments: '{}' }], param: 'input[0].name' },
    { input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: {} }], param: 'input[0].arguments' },
    { input: [{ type: 'function_call_output', call_id: 'c' }], param: 'input[0].output' },
    { input: [{ type: 'function_call_output', call_id: 'c', output: {} }], param: 'input[0].output' },
    { input: [{ type: 'custom_tool_call', call_id: 'c', name: 'f' }], param: 'input[0].input' },
    { input: [{ type: 'reasoning', summary: {} }], param: 'input[0].summary' },
    { input: [{ type: 'reasoning', summary: [{ type: 'x', text: 'y' }] }], param: 'input[0].summary[0].type' },
    { input: [{ type: 'item_reference', id: 'x' }], param: 'input[0].type' },
  ).map(({ input, param }) => ({ body: toJson({ model: 'm', input }), param })),
  // Nested objects with bad members.
  fc.constantFrom(
    { patch: { tool_choice: 'sometimes' }, param: 'tool_choice' },
    { patch: { tool_choice: [] }, param: 'tool_choice' },
    { patch: { tool_choice: { type: 'function', name: 'nope' } }, param: 'tool_choice.name' },
    { patch: { tool_choice: { type: 'bogus' } }, param: 'tool_choice.type' },
    { patch: { tool_choice: { type: 'allowed_tools', mode: 'auto' } }, param: 'tool_choice.tools' },
    { patch: { text: { format: { type: 'yaml' } } }, param: 'text.format.type' },
    { patch: { text: { format: { type: 'json_schema', name: 'x' } } }, param: 'text.format.schema' },
    { patch: { text: { format: { type: 'json_schema', name: 'x', schema: [] } } }, param: 'text.format.schema' },
    { patch: { text: { verbosity: 'loud' } }, param: 'text.verbosity' },
    { patch: { reasoning: { effort: 'maximum' } }, param: 'reasoning.effort' },
    { patch: { reasoning: { summary: 3 } }, param: 'reasoning.summary' },
    { patch: { metadata: { k: 1 } }, param: 'metadata.k' },
    { patch: { include: [1] }, param: 'include[0]' },
    { patch: { truncation: 'sometimes' }, param: 'truncation' },
    { patch: { context_management: [{}] }, param: 'context_management' },
    { patch: { conversation: 'c' }, param: 'conversation' },
    { patch: { prompt: { id: 'p' } }, param: 'prompt' },
    { patch: { model: '' }, param: 'model' },
  ).map(({ patch, param }) => ({ body: toJson({ ...base(), ...patch }), param })),
);

// Anything at all in a known field, or as the whole body: no param asserted.
const anyValue: fc.Arbitrary<Sent> = fc.oneof(
  fc.tuple(fc.constantFrom(...KNOWN_FIELDS), fc.jsonValue({ maxDepth: 4 })).map(([k, v]) => ({ body: toJson({ ...base(), [k]: v }) })),
  fc.tuple(fc.nat({ max: 3 }), fc.jsonValue({ maxDepth: 4 })).map(([i, v]) => {
    const input: unknown[] = [{ role: 'user', content: 'hi' }];
    input[Math.min(i, 1)] = v;
    return { body: toJson({ model: 'm', input }) };
  }),
  fc
    .record({
      type: fc.constantFrom(...ITEM_TYPES, 'bogus'),
      role: fc.oneof(fc.constantFrom(...ROLES, 'tool', 'constructor'), small),
      content: fc.oneof(fc.string({ maxLength: 8 }), fc.array(fc.record({ type: fc.constantFrom(...PART_TYPES, 'refusal', 'x'), text: small }, { requiredKeys: [] }), { maxLength: 2 }), small),
      call_id: small,
      name: small,
      arguments: small,
      output: small,
      summary: small,
    }, { requiredKeys: ['type'] })
    .map((item) => ({ body: toJson({ model: 'm', input: [item] }) })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ body: toJson(v) })),
  fc.string({ maxLength: 40 }).map((s) => ({ body: s })),
  fc.constantFrom('', '{', '{"model":', '[]', 'null', '"x"', '{"input":"hi"}{}', '\uFEFF{"input":"hi"}', '{"input":"hi",}', ' ').map((s) => ({ body: s })),
);

// Deep nesting: past the gateway's limit a 400 naming where, below it whatever the decoders say.
const deep: fc.Arbitrary<Sent> = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('tools', 'reasoning', 'text', 'metadata', 'input', 'client_metadata', 'instructions')).map(([depth, where]) => {
  const inner = '['.repeat(depth) + '1' + ']'.repeat(depth);
  const bodies: Record<string, string> = {
    tools: `{"model":"m","input":"hi","tools":[{"type":"function","name":"f","parameters":{"type":"object","x":${inner}}}]}`,
    reasoning: `{"model":"m","input":"hi","reasoning":{"effort":"low","extra":${inner}}}`,
    text: `{"model":"m","input":"hi","text":{"future":${inner}}}`,
    metadata: `{"model":"m","input":"hi","metadata":${inner}}`,
    input: `{"model":"m","input":${inner}}`,
    client_metadata: `{"model":"m","input":"hi","client_metadata":{"a":${inner}}}`,
    instructions: `{"model":"m","input":"hi","instructions":${inner}}`,
  };
  return { body: bodies[where] };
});

// A few huge strings (up to ~2 MB): accepted or refused, but answered in time.
const huge: fc.Arbitrary<Sent> = fc.tuple(fc.integer({ min: 100_000, max: 2_000_000 }), fc.constantFrom('input', 'instructions', 'model', 'unknown', 'metadata', 'tool')).map(([n, where]) => {
  const s = 'x'.repeat(n);
  const bodies: Record<string, object> = {
    input: { model: 'm', input: s },
    instructions: { model: 'm', input: 'hi', instructions: s },
    model: { model: s, input: 'hi' },
    unknown: { model: 'm', input: 'hi', [s.slice(0, 50_000)]: 1 },
    metadata: { model: 'm', input: 'hi', metadata: { k: s } },
    tool: { model: 'm', input: 'hi', tools: [{ type: 'function', name: s.slice(0, 100_000) }] },
  };
  return { body: JSON.stringify(bodies[where]) };
});

// Raw bytes: invalid UTF-8 inside an otherwise valid body, or no JSON at all.
const rawBytes: fc.Arbitrary<Sent> = fc.oneof(
  invalidUtf8Sequences.map((seq) => ({ body: withInvalidUtf8('{"input":"hi","model":"m"}', seq) })),
  invalidUtf8Sequences.map((seq) => {
    const json = '{"input":[{"role":"user","content":[{"type":"input_text","text":"ab"}]}],"model":"m"}';
    const at = json.indexOf('ab');
    return { body: Buffer.concat([Buffer.from(json.slice(0, at)), ...seq.map((b) => Buffer.from(b)), Buffer.from(json.slice(at))]) };
  }),
  // In the model name: no such route (404 model_not_found).
  invalidUtf8Sequences.map((seq) => ({ body: Buffer.concat([Buffer.from('{"input":"hi","model":"m'), ...seq.map((b) => Buffer.from(b)), Buffer.from('"}')]) })),
  fc.uint8Array({ maxLength: 200 }).map((b) => ({ body: b })),
);

const bodies: fc.Arbitrary<Sent> = fc.oneof(
  { weight: 40, arbitrary: fieldFault },
  { weight: 25, arbitrary: anyValue },
  { weight: 6, arbitrary: deep },
  { weight: 8, arbitrary: rawBytes },
  { weight: 1, arbitrary: huge },
);

// Headers vary only on bodies without a deliberate field fault (an odd Content-Type
// or encoding makes the body unreadable, so there is no field to name).
const cases: fc.Arbitrary<Sent> = fc.oneof(
  { weight: 4, arbitrary: bodies },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.oneof(anyValue, rawBytes, fc.constant({ body: '{"model":"m","input":"hi"}' })), headerVariants).map(([sent, headers]) => ({ body: sent.body, headers })),
  },
);

describe('POST /v1/responses with generated bad input', () => {
  it(`never answers 5xx or hangs; every 4xx is OpenAI-shaped and names the faulty field (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (sent) => {
        checkAnswer(sent, await send(rig, PATH, sent));
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    // The gateway is still serving.
    const ok = await send(rig, PATH, { body: '{"model":"m","input":"hi"}' });
    expect(ok.status).toBe(200);
  }, 120_000);
});

// Bugs the fuzzing found, kept as fixed cases.
describe('regressions found by fuzzing /v1/responses', () => {
  it('bug: a JSON body nested thousands deep (e.g. inside reasoning, echoed back) was a 500 from a stack overflow', async () => {
    const depth = 20_000;
    const sent = { body: `{"model":"m","input":"hi","reasoning":{"effort":"low","extra":${'['.repeat(depth)}1${']'.repeat(depth)}}}`, param: 'reasoning.extra', paramPrefix: true };
    checkAnswer(sent, await send(rig, PATH, sent));
  });

  it('bug: a deeply nested tool parameters schema was a 500 from a stack overflow', async () => {
    const depth = 20_000;
    const sent = { body: `{"model":"m","input":"hi","tools":[{"type":"function","name":"f","parameters":{"x":${'['.repeat(depth)}1${']'.repeat(depth)}}}]}`, param: 'tools[0].parameters', paramPrefix: true };
    checkAnswer(sent, await send(rig, PATH, sent));
  });

  it('bug: a gzip Content-Encoding over a body that is not gzip was a 500', async () => {
    const sent = { body: '{"model":"m","input":"hi"}', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } };
    const answer = await send(rig, PATH, sent);
    checkAnswer(sent, answer);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.code).toBe('invalid_request_body');
  });
});
