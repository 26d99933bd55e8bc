// convertToGeminiRequest: one test per request-mapping rule, and the real Codex captures
// checked against the fake's copy of what the Gemini API refuses.
import { describe, expect, it } from 'vitest';
import type { Event, Item, Request, Tool } from '../../../../src/canonical/types.js';
import type { RouteConfig } from '../../../../src/config/types.js';
import { decodeResponsesRequest } from '../../../../src/dialects/responses/decode-request.js';
import { GatewayError } from '../../../../src/http/errors.js';
import { convertToGeminiRequest } from '../../../../src/providers/google/convert-to-gemini-request.js';
import { GEMINI_TOOL_NAME_RULES } from '../../../../src/providers/google/convert-to-gemini-tools.js';
import { parseGeminiStream } from '../../../../src/providers/google/parse-gemini-stream.js';
import { buildToolNameMap } from '../../../../src/providers/shared/tool-names.js';
import { readChunks, readCodexRequest } from '../../../support/fixtures.js';
import { validateGeminiRequest } from '../../../support/fake-gemini-upstream.js';

const route = (extra: Partial<RouteConfig> = {}): RouteConfig => ({ alias: 'gem', provider: 'google', model: 'gemini-2.5-pro', ...extra });
const request = (extra: Partial<Request> = {}): Request => ({ model: 'gem', items: [], tools: [], stream: true, removedTools: [], warnings: [], ...extra });
const user = (text: string): Item => ({ type: 'message', role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): Item => ({ type: 'message', role: 'assistant', content: [{ type: 'text', text }] });
const fnTool = (name: string, extra: Partial<Extract<Tool, { type: 'function' }>> = {}): Tool => ({
  type: 'function',
  name,
  parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'], additionalProperties: false },
  ...extra,
});
const applyPatch: Tool = { type: 'custom', name: 'apply_patch', description: 'Edit files.', format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch' } };

function convert(req: Request, r: RouteConfig = route()) {
  const out = convertToGeminiRequest(req, r);
  // Every converted request must be one the real API accepts.
  expect(validateGeminiRequest(JSON.parse(JSON.stringify(out.body)), r.model)).toBeNull();
  return out;
}

// What Codex sends back after a Gemini turn: the output items, in order, with the reasoning
// state as the pipeline opened it (sealing is a round trip, tested in test/unit/state).
async function echoedItems(file: string, model: string, names = buildToolNameMap([], GEMINI_TOOL_NAME_RULES)): Promise<Item[]> {
  async function* from(items: unknown[]) {
    for (const i of items) yield i;
  }
  const items: Item[] = [];
  const open = new Map<string, Item>();
  for await (const e of parseGeminiStream(from(readChunks(file)), { names, model }) as AsyncIterable<Event>) {
    if (e.type === 'reasoning_start') open.set(e.key, { type: 'reasoning', summary: [] });
    if (e.type === 'reasoning_delta') (open.get(e.key) as any).summary = [((open.get(e.key) as any).summary[0] ?? '') + e.delta];
    if (e.type === 'reasoning_end') items.push({ ...(open.get(e.key) as any), ...(e.state ? { state: e.state } : {}) });
    if (e.type === 'text_start') open.set(e.key, { type: 'message', role: 'assistant', content: [{ type: 'text', text: '' }] });
    if (e.type === 'text_delta') (open.get(e.key) as any).content[0].text += e.delta;
    if (e.type === 'text_end') items.push(open.get(e.key)!);
    if (e.type === 'tool_call_start') open.set(e.key, { type: 'function_call', callId: e.callId, name: e.name, arguments: '' });
    if (e.type === 'tool_call_delta') (open.get(e.key) as any).arguments += e.delta;
    if (e.type === 'tool_call_end') items.push(open.get(e.key)!);
  }
  return items;
}

describe('systemInstruction and roles', () => {
  it('instructions and system/developer messages become systemInstruction, in order; never contents', () => {
    const { body } = convert(
      request({
        instructions: 'Be brief.',
        items: [
          { type: 'message', role: 'developer', content: [{ type: 'text', text: 'You are Codex.' }] },
          { type: 'message', role: 'system', content: [{ type: 'text', text: 'Sandbox: workspace-write.' }] },
          user('hi'),
        ],
      }),
    );
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.\n\nYou are Codex.\n\nSandbox: workspace-write.' }] });
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }]);
  });

  it('a non-text system part is refused with a 400 naming it', () => {
    expect(() => convert(request({ items: [{ type: 'message', role: 'developer', content: [{ type: 'image', url: 'data:image/png;base64,AAAA' }] }, user('x')] }))).toThrow(
      expect.objectContaining({ status: 400, param: 'input[0].content[0]' }),
    );
  });

  it('roles are user and model; consecutive same-role messages merge into one content', () => {
    const { body } = convert(request({ items: [user('a'), user('b'), assistant('c'), assistant('d'), user('e')] }));
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }, { text: 'd' }] },
      { role: 'user', parts: [{ text: 'e' }] },
    ]);
  });

  it('empty text parts are left out (Gemini refuses an empty text parameter)', () => {
    const { body } = convert(request({ items: [user(''), user('x'), assistant('')] }));
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'x' }] }]);
  });

  it('instructions alone are not a conversation: 400', () => {
    expect(() => convertToGeminiRequest(request({ instructions: 'x' }), route())).toThrow(expect.objectContaining({ status: 400, param: 'input' }));
  });
});

describe('function calls and responses', () => {
  it('function_call (arguments string) → functionCall (args object); its output → functionResponse named by the call', () => {
    const { body } = convert(
      request({
        tools: [fnTool('exec_command')],
        items: [
          user('list'),
          { type: 'function_call', callId: 'call_1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
          { type: 'function_call_output', callId: 'call_1', output: 'a.txt' },
        ],
      }),
    );
    expect(body.contents.slice(1)).toEqual([
      { role: 'model', parts: [{ functionCall: { name: 'exec_command', args: { cmd: 'ls' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'exec_command', response: { output: 'a.txt' } } }] },
    ]);
  });

  it('the name is looked up from the history even when the tool is no longer offered (compaction sends tools: [])', () => {
    const { body } = convert(
      request({
        items: [
          user('x'),
          { type: 'function_call', callId: 'c9', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{}' },
          { type: 'function_call_output', callId: 'c9', output: 'ok' },
        ],
      }),
    );
    expect(body.contents[1].parts[0].functionCall?.name).toBe('multi_agent_v1__spawn_agent');
    expect(body.contents[2].parts[0].functionResponse?.name).toBe('multi_agent_v1__spawn_agent');
  });

  it('parallel calls stay in one model content, their responses in one user content, in order', () => {
    const { body } = convert(
      request({
        tools: [fnTool('exec_command'), fnTool('view_image')],
        items: [
          user('go'),
          { type: 'function_call', callId: 'a', name: 'exec_command', arguments: '{"cmd":"1"}' },
          { type: 'function_call', callId: 'b', name: 'view_image', arguments: '{"cmd":"2"}' },
          { type: 'function_call', callId: 'c', name: 'exec_command', arguments: '{"cmd":"3"}' },
          { type: 'function_call_output', callId: 'a', output: 'one' },
          { type: 'function_call_output', callId: 'b', output: 'two' },
          { type: 'function_call_output', callId: 'c', output: 'three' },
          assistant('done'),
        ],
      }),
    );
    expect(body.contents.map((c) => [c.role, c.parts.map((p) => p.functionCall?.name ?? p.functionResponse?.name ?? p.text)])).toEqual([
      ['user', ['go']],
      ['model', ['exec_command', 'view_image', 'exec_command']],
      ['user', ['exec_command', 'view_image', 'exec_command']],
      ['model', ['done']],
    ]);
    expect(body.contents[2].parts.map((p) => p.functionResponse?.response)).toEqual([{ output: 'one' }, { output: 'two' }, { output: 'three' }]);
  });

  it('custom_tool_call (apply_patch) → functionCall with {input}; its output → functionResponse "apply_patch"', () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\n';
    const { body } = convert(
      request({
        tools: [applyPatch],
        items: [user('patch'), { type: 'custom_tool_call', callId: 'p1', name: 'apply_patch', input: patch }, { type: 'custom_tool_call_output', callId: 'p1', output: 'Success.' }],
      }),
    );
    expect(body.contents[1].parts[0]).toEqual({ functionCall: { name: 'apply_patch', args: { input: patch } } });
    expect(body.contents[2].parts[0]).toEqual({ functionResponse: { name: 'apply_patch', response: { output: 'Success.' } } });
  });

  it('a call with no output in the history gets a placeholder response (Gemini needs one per call), with a warning', () => {
    const { body, warnings } = convert(
      request({ items: [user('go'), { type: 'function_call', callId: 'lost', name: 'exec_command', arguments: '{}' }, user('never mind')] }),
    );
    expect(body.contents[2]).toEqual({
      role: 'user',
      parts: [{ functionResponse: { name: 'exec_command', response: { error: 'No result was recorded for this call (it may have been interrupted).' } } }, { text: 'never mind' }],
    });
    expect(warnings).toContain("tool call(s) 'lost' have no output in the history; Gemini was sent a placeholder result");
  });

  it('an output whose call is not just before it goes as user text, with a warning', () => {
    const { body, warnings } = convert(request({ items: [user('go'), { type: 'function_call_output', callId: 'ghost', output: 'orphan' }] }));
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'go' }, { text: 'Output of tool call ghost:\norphan' }] }]);
    expect(warnings[0]).toContain("output for call 'ghost' does not follow its call");
  });

  it('arguments that are not a JSON object are wrapped, with a warning', () => {
    const { body, warnings } = convert(
      request({ items: [user('x'), { type: 'function_call', callId: 'c', name: 'f', arguments: 'not json' }, { type: 'function_call_output', callId: 'c', output: 'r' }] }),
    );
    expect(body.contents[1].parts[0].functionCall?.args).toEqual({ arguments: 'not json' });
    expect(warnings[0]).toContain('input[1].arguments is not a JSON object');
  });

  it('images in a tool output go after the function responses, in the same user content', () => {
    const { body } = convert(
      request({
        items: [
          user('look'),
          { type: 'function_call', callId: 'v', name: 'view_image', arguments: '{}' },
          { type: 'function_call_output', callId: 'v', output: [{ type: 'text', text: 'here' }, { type: 'image', url: 'data:image/png;base64,iVBOR' }] },
        ],
      }),
    );
    expect(body.contents[2].parts).toEqual([
      { functionResponse: { name: 'view_image', response: { output: 'here\n[image: attached after the tool results]' } } },
      { inlineData: { mimeType: 'image/png', data: 'iVBOR' } },
    ]);
  });
});

describe('thought signatures and thought parts come back on the right parts', () => {
  it('google-stream-no-args-tool-call: thought part first, the signature on the first of four parallel calls only', async () => {
    const file = 'gemini/google-stream-no-args-tool-call.chunks.txt';
    const echoed = await echoedItems(file, 'gemini-3-flash-preview');
    const calls = echoed.filter((i) => i.type === 'function_call') as Extract<Item, { type: 'function_call' }>[];
    const items: Item[] = [user('read them'), ...echoed, ...calls.map((c) => ({ type: 'function_call_output' as const, callId: c.callId, output: `${c.name} ok` }))];
    const { body, warnings } = convert(request({ items }), route({ model: 'gemini-3-flash-preview' }));
    const chunks = readChunks(file);
    const thought = chunks[0].candidates[0].content.parts[0];
    const signature = chunks[1].candidates[0].content.parts[0].thoughtSignature;
    expect(body.contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: thought.text, thought: true },
        { functionCall: { name: 'read_theme', args: {} }, thoughtSignature: signature },
        { functionCall: { name: 'read_screen', args: { id: 'A' } } },
        { functionCall: { name: 'read_screen', args: { id: 'B' } } },
        { functionCall: { name: 'read_screen', args: { id: 'C' } } },
      ],
    });
    expect(body.contents[2].parts.map((p) => p.functionResponse?.name)).toEqual(['read_theme', 'read_screen', 'read_screen', 'read_screen']);
    expect(warnings).toEqual([]);
  });

  it('google-text: the signature Gemini sent on a trailing empty part goes back on the text part', async () => {
    const file = 'gemini/google-text.chunks.txt';
    const echoed = await echoedItems(file, 'gemini-3-pro-preview');
    expect(echoed.map((i) => i.type)).toEqual(['message', 'reasoning']);
    const { body } = convert(request({ items: [user('How many r?'), ...echoed, user('Thanks')] }), route({ model: 'gemini-3-pro-preview' }));
    expect(body.contents[1]).toEqual({
      role: 'model',
      parts: [{ text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y', thoughtSignature: readChunks(file)[2].candidates[0].content.parts[0].thoughtSignature }],
    });
  });

  it('google-tool-call: the signature goes back on its functionCall', async () => {
    const file = 'gemini/google-tool-call.chunks.txt';
    const echoed = await echoedItems(file, 'gemini-3-pro-preview');
    const call = echoed.find((i) => i.type === 'function_call') as Extract<Item, { type: 'function_call' }>;
    const { body } = convert(
      request({ items: [user('weather?'), ...echoed, { type: 'function_call_output', callId: call.callId, output: 'sunny' }] }),
      route({ model: 'gemini-3-pro-preview' }),
    );
    expect(body.contents[1].parts).toEqual([{ functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: readChunks(file)[0].candidates[0].content.parts[0].thoughtSignature }]);
  });

  it('a reasoning item placed before its text still puts the signature on that text', () => {
    const { body } = convert(
      request({ items: [user('q'), { type: 'reasoning', summary: [], state: { family: 'google', model: 'gemini-2.5-pro', data: { v: 1, previousPart: 'SIG' } } }, assistant('a')] }),
    );
    expect(body.contents[1].parts).toEqual([{ text: 'a', thoughtSignature: 'SIG' }]);
  });

  it('thought parts keep their own signatures', () => {
    const state = { family: 'google' as const, model: 'gemini-2.5-pro', data: { v: 1, thoughts: [{ text: 'think', thoughtSignature: 'TS' }, { text: 'more' }] } };
    const { body } = convert(request({ items: [user('q'), { type: 'reasoning', summary: ['think'], state }, assistant('a')] }));
    expect(body.contents[1].parts).toEqual([{ text: 'think', thought: true, thoughtSignature: 'TS' }, { text: 'more', thought: true }, { text: 'a' }]);
  });

  it('Gemini 3, no signature for a call (history from elsewhere): skip_thought_signature_validator on the first call of each step, with a warning', () => {
    const items: Item[] = [
      user('go'),
      { type: 'function_call', callId: 'a', name: 'exec_command', arguments: '{"cmd":"1"}' },
      { type: 'function_call', callId: 'b', name: 'exec_command', arguments: '{"cmd":"2"}' },
      { type: 'function_call_output', callId: 'a', output: '1' },
      { type: 'function_call_output', callId: 'b', output: '2' },
      { type: 'function_call', callId: 'c', name: 'exec_command', arguments: '{"cmd":"3"}' },
      { type: 'function_call_output', callId: 'c', output: '3' },
    ];
    const { body, warnings } = convert(request({ items }), route({ model: 'gemini-3-pro-preview' }));
    const models = body.contents.filter((c) => c.role === 'model');
    expect(models.map((c) => c.parts.map((p) => p.thoughtSignature))).toEqual([['skip_thought_signature_validator', undefined], ['skip_thought_signature_validator']]);
    expect(warnings.some((w) => w.includes("skip_thought_signature_validator"))).toBe(true);
    // Without it the fake (like Gemini 3) refuses the request.
    for (const c of models) delete c.parts[0].thoughtSignature;
    expect(validateGeminiRequest(body, 'gemini-3-pro-preview')).toMatch(/missing a thought_signature/);
  });

  it('Gemini 2.5: no placeholder signature is invented', () => {
    const { body } = convert(request({ items: [user('go'), { type: 'function_call', callId: 'a', name: 'f', arguments: '{}' }, { type: 'function_call_output', callId: 'a', output: 'x' }] }));
    expect(body.contents[1].parts[0].thoughtSignature).toBeUndefined();
  });

  it("state written by another Gemini model is not sent (signatures are the model's own), with a warning", () => {
    const state = { family: 'google' as const, model: 'gemini-2.5-flash', data: { v: 1, calls: { a: 'OTHER' }, thoughts: [{ text: 't' }] } };
    const { body, warnings } = convert(
      request({ items: [user('go'), { type: 'reasoning', summary: [], state }, { type: 'function_call', callId: 'a', name: 'f', arguments: '{}' }, { type: 'function_call_output', callId: 'a', output: 'x' }] }),
      route({ model: 'gemini-3-pro-preview' }),
    );
    expect(body.contents[1].parts).toEqual([{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'skip_thought_signature_validator' }]);
    expect(warnings[0]).toContain('came from another Gemini model (gemini-2.5-flash)');
  });
});

describe('tools', () => {
  it('function tools → functionDeclarations with cleaned parameters; custom tools wrapped; namespaces flattened', () => {
    const { body } = convert(
      request({
        tools: [
          fnTool('exec_command', { description: 'Run.' }),
          applyPatch,
          fnTool('spawn_agent', { namespace: 'multi_agent_v1', namespaceDescription: 'Sub-agents.', description: 'Spawn.' }),
          { type: 'function', name: 'get_goal', parameters: { type: 'object', properties: {}, additionalProperties: false } },
        ],
        items: [user('x')],
      }),
    );
    const decls = body.tools![0].functionDeclarations;
    expect(decls[0]).toEqual({ name: 'exec_command', description: 'Run.', parameters: { type: 'OBJECT', properties: { cmd: { type: 'STRING' } }, required: ['cmd'] } });
    expect(decls[1]).toMatchObject({ name: 'apply_patch', parameters: { type: 'OBJECT', properties: { input: { type: 'STRING' } }, required: ['input'] } });
    expect(decls[1].description).toContain('start: begin_patch');
    expect(decls[2]).toMatchObject({ name: 'multi_agent_v1__spawn_agent', description: 'Spawn.\n\n(Part of multi_agent_v1: Sub-agents.)' });
    // No parameters: the field is left out.
    expect(decls[3]).toEqual({ name: 'get_goal' });
  });

  it('tool_choice → toolConfig.functionCallingConfig', () => {
    const tools = [fnTool('exec_command'), applyPatch];
    const tc = (toolChoice: Request['toolChoice']) => convert(request({ tools, toolChoice, items: [user('x')] })).body.toolConfig;
    expect(tc('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(tc('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(tc('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(tc({ type: 'custom', name: 'apply_patch' })).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['apply_patch'] } });
    expect(() => tc({ type: 'function', name: 'nope' })).toThrow(expect.objectContaining({ status: 400, param: 'tool_choice' }));
  });

  it('parallel_tool_calls: false cannot be said to Gemini: a warning', () => {
    const { warnings } = convert(request({ tools: [fnTool('f')], parallelToolCalls: false, items: [user('x')] }));
    expect(warnings).toContain('parallel_tool_calls: false not sent: Gemini has no setting for it');
  });
});

describe('safety settings', () => {
  const categories = ['HARM_CATEGORY_HARASSMENT', 'HARM_CATEGORY_HATE_SPEECH', 'HARM_CATEGORY_SEXUALLY_EXPLICIT', 'HARM_CATEGORY_DANGEROUS_CONTENT'];

  it('default: BLOCK_NONE for every category', () => {
    expect(convert(request({ items: [user('x')] })).body.safetySettings).toEqual(categories.map((category) => ({ category, threshold: 'BLOCK_NONE' })));
  });

  it('route safety_settings: "off" is BLOCK_NONE; a threshold applies to every category', () => {
    expect(convert(request({ items: [user('x')] }), route({ safety_settings: 'off' })).body.safetySettings?.[0].threshold).toBe('BLOCK_NONE');
    expect(convert(request({ items: [user('x')] }), route({ safety_settings: 'BLOCK_ONLY_HIGH' })).body.safetySettings).toEqual(
      categories.map((category) => ({ category, threshold: 'BLOCK_ONLY_HIGH' })),
    );
  });

  it('an unknown value is a clear configuration error', () => {
    expect(() => convertToGeminiRequest(request({ items: [user('x')] }), route({ safety_settings: 'lenient' }))).toThrow(GatewayError);
    expect(() => convertToGeminiRequest(request({ items: [user('x')] }), route({ safety_settings: 'lenient' }))).toThrow(/use "off" or one of BLOCK_NONE/);
  });
});

describe('generationConfig', () => {
  it('max output tokens from the request, else the route; temperature, topP, stop, seed, penalties', () => {
    const gc = (extra: Partial<Request>, r = route()) => convert(request({ items: [user('x')], ...extra }), r).body.generationConfig;
    expect(gc({ maxOutputTokens: 100, temperature: 0.5, topP: 0.9, stop: ['END'], seed: 7, presencePenalty: 0.1, frequencyPenalty: 0.2 })).toMatchObject({
      maxOutputTokens: 100, temperature: 0.5, topP: 0.9, stopSequences: ['END'], seed: 7, presencePenalty: 0.1, frequencyPenalty: 0.2,
    });
    expect(gc({}, route({ max_output_tokens: 32000 }))).toMatchObject({ maxOutputTokens: 32000 });
  });

  it('text.format json_schema → responseMimeType application/json + responseJsonSchema (JSON Schema kept, $schema left out)', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    const gc = convert(request({ items: [user('x')], responseFormat: { type: 'json_schema', name: 'out', schema, strict: true } })).body.generationConfig;
    expect(gc).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false } });
    expect(gc?.responseJsonSchema).not.toHaveProperty('$schema');
  });

  it('json_object → responseMimeType only', () => {
    const gc = convert(request({ items: [user('x')], responseFormat: { type: 'json_object' } })).body.generationConfig;
    expect(gc?.responseMimeType).toBe('application/json');
    expect(gc).not.toHaveProperty('responseJsonSchema');
  });

  it('verbosity has no Gemini equivalent: a warning', () => {
    expect(convert(request({ items: [user('x')], verbosity: 'low' })).warnings).toContain("text.verbosity 'low' not sent: Gemini has no such parameter");
  });
});

describe('images and files', () => {
  const partsOf = (content: Extract<Item, { type: 'message' }>['content']) => {
    const out = convert(request({ items: [{ type: 'message', role: 'user', content }] }));
    return { parts: out.body.contents[0].parts, warnings: out.warnings };
  };

  it('a data: URL → inlineData with its MIME type', () => {
    expect(partsOf([{ type: 'image', url: 'data:image/webp;base64,UklGR' }]).parts).toEqual([{ inlineData: { mimeType: 'image/webp', data: 'UklGR' } }]);
  });

  it('an http(s) URL → fileData (Gemini fetches it), MIME type from the extension', () => {
    expect(partsOf([{ type: 'image', url: 'https://example.com/cat.png?x=1' }]).parts).toEqual([{ fileData: { mimeType: 'image/png', fileUri: 'https://example.com/cat.png?x=1' } }]);
  });

  it('an image URL without a known extension is sent as image/jpeg, with a warning', () => {
    const { parts, warnings } = partsOf([{ type: 'image', url: 'https://example.com/render' }]);
    expect(parts).toEqual([{ fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/render' } }]);
    expect(warnings[0]).toContain('sent to Gemini as image/jpeg');
  });

  it('a PDF as file_data → inlineData application/pdf; a file_id is refused', () => {
    expect(partsOf([{ type: 'file', filename: 'a.pdf', fileData: 'data:application/pdf;base64,JVBER' }]).parts).toEqual([{ inlineData: { mimeType: 'application/pdf', data: 'JVBER' } }]);
    expect(() => partsOf([{ type: 'file', fileId: 'file-abc' }])).toThrow(expect.objectContaining({ status: 400, param: 'input[0].content[0]' }));
    // The index named is the client's, empty text parts before it included.
    expect(() => partsOf([{ type: 'text', text: '' }, { type: 'file', fileId: 'file-abc' }])).toThrow(expect.objectContaining({ param: 'input[0].content[1]' }));
  });
});

describe('real Codex requests convert to requests Gemini accepts', () => {
  it.each([
    'turn1-request.json',
    'turn2-request.json',
    'gpt-5.5-turn1-request.json',
    'apply-patch-catalog-turn1-request.json',
    'apply-patch-catalog-turn2-request.json',
    'compaction-request.json',
    'after-compaction-request.json',
    'image-input-request.json',
    'output-schema-request.json',
    'reasoning-turn2-request.json',
    'stream-retry-request.json',
  ])('%s', (file) => {
    const req = decodeResponsesRequest(readCodexRequest(file).body);
    for (const model of ['gemini-3-pro-preview', 'gemini-2.5-pro']) {
      const { body } = convertToGeminiRequest(req, route({ model }));
      expect(validateGeminiRequest(JSON.parse(JSON.stringify(body)), model)).toBeNull();
      expect(body.contents.every((c) => c.role === 'user' || c.role === 'model')).toBe(true);
    }
  });
});
