// Bad input to POST /v1/chat/completions, generated (fast-check) and sent over real
// HTTP to a real gateway in front of a fake upstream that always answers. The property:
// never a 5xx, never a hang, every 4xx in OpenAI's shape {error:{message,type,code,param}},
// and a deliberate fault in a field gets a 400 whose `param` names that field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkAnswer,
  headerVariants,
  infiniteLiteral,
  invalidUtf8Sequences,
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

const PATH = '/v1/chat/completions';
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

let rig: FuzzRig;
beforeAll(async () => {
  rig = await startFuzzRig();
});
afterAll(async () => {
  await rig?.close();
});

const base = () => ({ model: 'm', messages: [{ role: 'user', content: 'hi' }] as unknown[] });

const KNOWN_PARAMS = [
  'model', 'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format',
  'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'seed',
  'presence_penalty', 'frequency_penalty', 'reasoning_effort', 'verbosity', 'stream',
  'stream_options', 'user', 'safety_identifier', 'metadata', 'store', 'prompt_cache_key',
  'n', 'logprobs', 'top_logprobs', 'audio', 'modalities', 'prediction', 'web_search_options',
  'logit_bias', 'service_tier', 'prompt_cache_retention', 'functions', 'function_call',
];
const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'];
const USER_PART_TYPES = ['text', 'image_url', 'file', 'input_audio'];

const FIELD_KINDS: [string, JsonKind, { min?: number; max?: number }?][] = [
  ['model', 'string'],
  ['temperature', 'number', { min: 0, max: 2 }],
  ['top_p', 'number', { min: 0, max: 1 }],
  ['presence_penalty', 'number', { min: -2, max: 2 }],
  ['frequency_penalty', 'number', { min: -2, max: 2 }],
  ['max_tokens', 'integer', { min: 1 }],
  ['max_completion_tokens', 'integer', { min: 1 }],
  ['seed', 'integer'],
  ['stream', 'boolean'],
  ['store', 'boolean'],
  ['parallel_tool_calls', 'boolean'],
  ['prompt_cache_key', 'string'],
  ['user', 'string'],
  ['safety_identifier', 'string'],
  ['metadata', 'object'],
  ['response_format', 'object'],
  ['stream_options', 'object'],
  ['logit_bias', 'object'],
  ['tools', 'array'],
  ['messages', 'array'],
  ['modalities', 'array'],
];

// One deliberate fault in an otherwise valid body, with the param the 400 must name.
const fieldFault: fc.Arbitrary<Sent> = fc.oneof(
  fc.constantFrom(...FIELD_KINDS).chain(([field, kind, range]) => {
    const bad: fc.Arbitrary<unknown>[] = [wrongKind(kind)];
    if (range) bad.push(outOfRange(range.min, range.max));
    if (kind === 'number' || kind === 'integer') bad.push(infiniteLiteral);
    return fc.oneof(...bad).map((v) => ({ body: toJson({ ...base(), [field]: v }), param: field }));
  }),
  // Enums with a value outside them.
  fc.tuple(fc.constantFrom('reasoning_effort', 'verbosity'), fc.oneof(unknownName(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']), wrongKind('string'))).map(([field, v]) => ({ body: toJson({ ...base(), [field]: v }), param: field })),
  fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.integer(), { minLength: 1, maxLength: 3 })).map((v) => ({ body: toJson({ ...base(), stop: v }), param: 'stop' })),
  fc.oneof(unknownName(['none', 'auto', 'required']), fc.integer(), fc.boolean()).map((v) => ({ body: toJson({ ...base(), tool_choice: v }), param: 'tool_choice' })),
  fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 2 }), fc.double({ min: 1.01, max: 100, noNaN: true })).map((n) => ({ body: toJson({ ...base(), n }), param: 'n' })),
  // Unknown top-level parameter.
  fc.tuple(unknownName(KNOWN_PARAMS), small).map(([k, v]) => ({ body: toJson({ ...base(), [k]: v }), param: k })),
  // Bad role (the names of Object.prototype's members included).
  fc.tuple(fc.oneof(unknownName([...ROLES, 'function']), wrongKind('string')), fc.nat({ max: 2 })).map(([role, i]) => {
    const messages: unknown[] = [...Array(i)].map(() => ({ role: 'user', content: 'x' }));
    messages.push({ role, content: 'x' });
    return { body: toJson({ model: 'm', messages }), param: `messages[${i}].role` };
  }),
  // A member a message of that role does not have.
  fc.tuple(fc.constantFrom('system', 'developer', 'user'), unknownName(['role', 'content', 'name'])).map(([role, key]) => ({
    body: toJson({ model: 'm', messages: [{ role, content: 'x', [key]: 'y' }] }),
    param: `messages[0].${key}`,
  })),
  // Unknown content part types.
  unknownName(USER_PART_TYPES).map((t) => ({ body: toJson({ model: 'm', messages: [{ role: 'user', content: [{ type: t, text: 'x' }] }] }), param: 'messages[0].content[0].type' })),
  fc.tuple(unknownName(['text']), fc.constantFrom('system', 'developer')).map(([t, role]) => ({ body: toJson({ model: 'm', messages: [{ role, content: [{ type: t, text: 'x' }] }] }), param: 'messages[0].content[0].type' })),
  unknownName(['text', 'refusal']).map((t) => ({ body: toJson({ model: 'm', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: [{ type: t, text: 'x' }] }] }), param: 'messages[1].content[0].type' })),
  // Unknown tool types.
  unknownName(['function', 'custom']).map((t) => ({ body: toJson({ ...base(), tools: [{ type: t, function: { name: 'f' } }] }), param: 'tools[0].type' })),
  fc.constantFrom(
    { patch: { messages: [] }, param: 'messages' },
    { patch: { messages: [[]] }, param: 'messages[0]' },
    { patch: { messages: [null] }, param: 'messages[0]' },
    { patch: { messages: ['hi'] }, param: 'messages[0]' },
    { patch: { messages: [{ content: 'x' }] }, param: 'messages[0].role' },
    { patch: { messages: [{ role: 'user', content: 5 }] }, param: 'messages[0].content' },
    { patch: { messages: [{ role: 'user', content: {} }] }, param: 'messages[0].content' },
    { patch: { messages: [{ role: 'user', content: [[]] }] }, param: 'messages[0].content[0]' },
    { patch: { messages: [{ role: 'user', content: [{ type: 'text' }] }] }, param: 'messages[0].content[0].text' },
    { patch: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: [] }] }] }, param: 'messages[0].content[0].image_url' },
    { patch: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'original' } }] }] }, param: 'messages[0].content[0].image_url.detail' },
    { patch: { messages: [{ role: 'user', content: [{ type: 'file', file: {} }] }] }, param: 'messages[0].content[0].file' },
    { patch: { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }, param: 'messages[0].content[0].type' },
    { patch: { messages: [{ role: 'user', content: 'x', name: 5 }] }, param: 'messages[0].name' },
    { patch: { messages: [{ role: 'assistant' }] }, param: 'messages[0].content' },
    { patch: { messages: [{ role: 'assistant', content: null, tool_calls: {} }] }, param: 'messages[0].tool_calls' },
    { patch: { messages: [{ role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }] }, param: 'messages[0].tool_calls[0].id' },
    { patch: { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'x' }] }] }, param: 'messages[0].tool_calls[0].type' },
    { patch: { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: [] }] }] }, param: 'messages[0].tool_calls[0].function' },
    { patch: { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }] }] }, param: 'messages[0].tool_calls[0].function.arguments' },
    { patch: { messages: [{ role: 'assistant', content: 'x', function_call: { name: 'f' } }] }, param: 'messages[0].function_call' },
    { patch: { messages: [{ role: 'tool', content: 'r' }] }, param: 'messages[0].tool_call_id' },
    { patch: { messages: [{ role: 'tool', content: 'r', tool_call_id: 'nope' }] }, param: 'messages[0].tool_call_id' },
    { patch: { messages: [{ role: 'function', content: 'r', name: 'f' }] }, param: 'messages[0].role' },
    { patch: { tools: [[]] }, param: 'tools[0]' },
    { patch: { tools: [null] }, param: 'tools[0]' },
    { patch: { tools: [{ type: 'function' }] }, param: 'tools[0].function' },
    { patch: { tools: [{ type: 'function', function: {} }] }, param: 'tools[0].function.name' },
    { patch: { tools: [{ type: 'function', function: { name: 'f', parameters: [] } }] }, param: 'tools[0].function.parameters' },
    { patch: { tools: [{ type: 'function', function: { name: 'f' } }, { type: 'function', function: { name: 'f' } }] }, param: 'tools[1].function.name' },
    { patch: { tools: [{ type: 'custom', custom: { name: 'c', format: { type: 'grammar', grammar: { definition: 'x' } } } }] }, param: 'tools[0].custom.format.grammar.syntax' },
    { patch: { tool_choice: { type: 'function', function: { name: 'nope' } } }, param: 'tool_choice.function.name' },
    { patch: { tool_choice: { type: 'allowed_tools' } }, param: 'tool_choice.type' },
    { patch: { tool_choice: [] }, param: 'tool_choice' },
    { patch: { response_format: { type: 'yaml' } }, param: 'response_format.type' },
    { patch: { response_format: { type: 'json_schema', json_schema: { name: 'x' } } }, param: 'response_format.json_schema.schema' },
    { patch: { metadata: { k: 1 } }, param: 'metadata.k' },
    { patch: { stream_options: { include_usage: true } }, param: 'stream_options' },
    { patch: { stream: true, stream_options: { include_usage: 'yes' } }, param: 'stream_options.include_usage' },
    { patch: { stream: true, stream_options: { extra: 1 } }, param: 'stream_options.extra' },
    { patch: { max_tokens: 5, max_completion_tokens: 6 }, param: 'max_tokens' },
    { patch: { logprobs: true }, param: 'logprobs' },
    { patch: { top_logprobs: 3 }, param: 'top_logprobs' },
    { patch: { audio: {} }, param: 'audio' },
    { patch: { modalities: ['audio'] }, param: 'modalities' },
    { patch: { modalities: ['text', 7] }, param: 'modalities' },
    { patch: { logit_bias: { '50256': -100 } }, param: 'logit_bias' },
    { patch: { service_tier: 'flex' }, param: 'service_tier' },
    { patch: { functions: [] }, param: 'functions' },
    { patch: { function_call: 'auto' }, param: 'function_call' },
    { patch: { model: '' }, param: 'model' },
  ).map(({ patch, param }) => ({ body: toJson({ ...base(), ...patch }), param })),
);

const anyValue: fc.Arbitrary<Sent> = fc.oneof(
  fc.tuple(fc.constantFrom(...KNOWN_PARAMS), fc.jsonValue({ maxDepth: 4 })).map(([k, v]) => ({ body: toJson({ ...base(), [k]: v }) })),
  fc.tuple(fc.nat({ max: 3 }), fc.jsonValue({ maxDepth: 4 })).map(([i, v]) => {
    const messages: unknown[] = [{ role: 'user', content: 'hi' }];
    messages[Math.min(i, 1)] = v;
    return { body: toJson({ model: 'm', messages }) };
  }),
  fc
    .record(
      {
        role: fc.oneof(fc.constantFrom(...ROLES, 'function', 'constructor', '__proto__'), small),
        content: fc.oneof(fc.string({ maxLength: 8 }), fc.array(fc.record({ type: fc.constantFrom(...USER_PART_TYPES, 'refusal', 'x'), text: small, image_url: small, file: small, refusal: small }, { requiredKeys: [] }), { maxLength: 2 }), small),
        name: small,
        tool_calls: fc.oneof(small, fc.array(fc.record({ id: small, type: fc.constantFrom('function', 'custom', 'x'), function: small, custom: small }, { requiredKeys: [] }), { maxLength: 2 })),
        tool_call_id: small,
        refusal: small,
      },
      { requiredKeys: ['role'] },
    )
    .map((msg) => ({ body: toJson({ model: 'm', messages: [{ role: 'user', content: 'q' }, msg] }) })),
  fc
    .array(fc.record({ type: fc.constantFrom('function', 'custom', 'x'), function: small, custom: small }, { requiredKeys: [] }), { maxLength: 3 })
    .map((tools) => ({ body: toJson({ ...base(), tools }) })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ body: toJson(v) })),
  fc.string({ maxLength: 40 }).map((s) => ({ body: s })),
  fc.constantFrom('', '{', '{"model":', '[]', 'null', '"x"', '{"messages":[]}{}', '\uFEFF{"model":"m"}', '{"model":"m",}', ' ').map((s) => ({ body: s })),
);

const deep: fc.Arbitrary<Sent> = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('tools', 'response_format', 'metadata', 'messages', 'content', 'logit_bias')).map(([depth, where]) => {
  const inner = '['.repeat(depth) + '1' + ']'.repeat(depth);
  const msgs = '[{"role":"user","content":"hi"}]';
  const bodies: Record<string, string> = {
    tools: `{"model":"m","messages":${msgs},"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","x":${inner}}}}]}`,
    response_format: `{"model":"m","messages":${msgs},"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"x":${inner}}}}}`,
    metadata: `{"model":"m","messages":${msgs},"metadata":${inner}}`,
    messages: `{"model":"m","messages":${inner}}`,
    content: `{"model":"m","messages":[{"role":"user","content":${inner}}]}`,
    logit_bias: `{"model":"m","messages":${msgs},"logit_bias":{"x":${inner}}}`,
  };
  return { body: bodies[where] };
});

const huge: fc.Arbitrary<Sent> = fc.tuple(fc.integer({ min: 100_000, max: 2_000_000 }), fc.constantFrom('content', 'system', 'model', 'unknown', 'stop', 'tool')).map(([n, where]) => {
  const s = 'x'.repeat(n);
  const msgs = [{ role: 'user', content: 'hi' }];
  const bodies: Record<string, object> = {
    content: { model: 'm', messages: [{ role: 'user', content: s }] },
    system: { model: 'm', messages: [{ role: 'system', content: s }, ...msgs] },
    model: { model: s, messages: msgs },
    unknown: { model: 'm', messages: msgs, [s.slice(0, 50_000)]: 1 },
    stop: { model: 'm', messages: msgs, stop: [s] },
    tool: { model: 'm', messages: msgs, tools: [{ type: 'function', function: { name: s.slice(0, 100_000) } }] },
  };
  return { body: JSON.stringify(bodies[where]) };
});

const rawBytes: fc.Arbitrary<Sent> = fc.oneof(
  invalidUtf8Sequences.map((seq) => ({ body: withInvalidUtf8('{"model":"m","messages":[{"role":"user","content":"hi"}]}', seq) })),
  invalidUtf8Sequences.map((seq) => {
    const json = '{"messages":[{"role":"user","content":[{"type":"text","text":"ab"}]}],"model":"m"}';
    const at = json.indexOf('ab');
    return { body: Buffer.concat([Buffer.from(json.slice(0, at)), ...seq.map((b) => Buffer.from(b)), Buffer.from(json.slice(at))]) };
  }),
  fc.uint8Array({ maxLength: 200 }).map((b) => ({ body: b })),
);

const bodies: fc.Arbitrary<Sent> = fc.oneof(
  { weight: 40, arbitrary: fieldFault },
  { weight: 25, arbitrary: anyValue },
  { weight: 6, arbitrary: deep },
  { weight: 8, arbitrary: rawBytes },
  { weight: 1, arbitrary: huge },
);

const cases: fc.Arbitrary<Sent> = fc.oneof(
  { weight: 4, arbitrary: bodies },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.oneof(anyValue, rawBytes, fc.constant({ body: '{"model":"m","messages":[{"role":"user","content":"hi"}]}' })), headerVariants)
      .map(([sent, headers]) => ({ body: sent.body, headers })),
  },
);

describe('POST /v1/chat/completions with generated bad input', () => {
  it(`never answers 5xx or hangs; every 4xx is OpenAI-shaped and names the faulty field (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (sent) => {
        checkAnswer(sent, await send(rig, PATH, sent));
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    const ok = await send(rig, PATH, { body: '{"model":"m","messages":[{"role":"user","content":"hi"}]}' });
    expect(ok.status).toBe(200);
  }, 120_000);
});

// Bugs the fuzzing found, kept as fixed cases.
describe('regressions found by fuzzing /v1/chat/completions', () => {
  for (const role of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    it(`bug: a message role naming an Object.prototype member ('${role}') was a 500 (TypeError in the role lookup)`, async () => {
      const sent = { body: toJson({ model: 'm', messages: [{ role, content: 'hi' }] }), param: 'messages[0].role' };
      checkAnswer(sent, await send(rig, PATH, sent));
    });
  }

  it('bug: a deeply nested response_format schema was a 500 from a stack overflow', async () => {
    const depth = 20_000;
    const sent = {
      body: `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"x":${'['.repeat(depth)}1${']'.repeat(depth)}}}}}`,
      param: 'response_format.json_schema.schema',
      paramPrefix: true,
    };
    checkAnswer(sent, await send(rig, PATH, sent));
  });

  it('bug: a deflate Content-Encoding over a body that is not deflated was a 500', async () => {
    const sent = { body: '{"model":"m","messages":[{"role":"user","content":"hi"}]}', headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' } };
    const answer = await send(rig, PATH, sent);
    checkAnswer(sent, answer);
    expect(answer.status).toBe(400);
  });
});
