// Decodes the real Codex CLI 0.169 requests (test/fixtures/codex/*-request.json) and
// checks each 400 rule names the exact field.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Item, Request, Tool } from '../../../../src/canonical/types.js';
import { decodeResponsesRequest } from '../../../../src/dialects/responses/decode-request.js';
import { GatewayError } from '../../../../src/http/errors.js';
import { fixturePath, readCodexRequest } from '../../../support/fixtures.js';

const captures = readdirSync(fixturePath('codex')).filter((f) => f.endsWith('-request.json'));
const decode = (name: string): Request => decodeResponsesRequest(readCodexRequest(name).body);

const MULTI_AGENT = ['close_agent', 'resume_agent', 'send_input', 'spawn_agent', 'wait_agent'];

function toolNames(tools: Tool[]): string[] {
  return tools.map((t) => (t.type === 'function' && t.namespace ? `${t.namespace}/${t.name}` : t.name));
}

function itemTypes(items: Item[]): string[] {
  return items.map((i) => (i.type === 'message' ? `message:${i.role}` : i.type));
}

describe('decodeResponsesRequest: every Codex capture', () => {
  it('finds the captures', () => {
    expect(captures.length).toBeGreaterThanOrEqual(11);
  });

  it.each(captures)('%s decodes, keeping model, stream, store, include, cache key and tool settings', (name) => {
    const body = readCodexRequest(name).body;
    const req = decodeResponsesRequest(body);
    expect(req.model).toBe(body.model);
    expect(req.stream).toBe(true);
    expect(req.store).toBe(false);
    expect(req.include).toEqual(['reasoning.encrypted_content']);
    expect(req.promptCacheKey).toBe(body.prompt_cache_key);
    expect(req.toolChoice).toBe('auto');
    expect(req.parallelToolCalls).toBe(body.parallel_tool_calls);
    expect(req.instructions).toBeUndefined();
    expect(req.items).toHaveLength(body.input.length);
    // The system prompt is the first developer message (no `instructions`).
    expect(req.items[0]).toMatchObject({ type: 'message', role: 'developer', id: body.input[0].id });
    // client_metadata is Codex bookkeeping: accepted, not carried.
    expect(body.client_metadata).toBeDefined();
    expect(JSON.stringify(req)).not.toContain('x-codex-window-id');
  });

  it('turn1: function tools, the multi_agent_v1 namespace flattened in place, web_search removed and recorded', () => {
    const req = decode('turn1-request.json');
    expect(toolNames(req.tools)).toEqual([
      'exec_command',
      'write_stdin',
      'request_user_input',
      'view_image',
      ...MULTI_AGENT.map((n) => `multi_agent_v1/${n}`),
      'get_goal',
      'create_goal',
      'update_goal',
    ]);
    const exec = req.tools[0];
    expect(exec).toMatchObject({ type: 'function', name: 'exec_command', strict: false });
    expect(exec.type === 'function' && exec.parameters).toMatchObject({ type: 'object', additionalProperties: false });
    expect(req.tools[4]).toMatchObject({
      type: 'function',
      name: 'close_agent',
      namespace: 'multi_agent_v1',
      namespaceDescription: 'Tools for spawning and managing sub-agents.',
      strict: false,
    });
    expect(req.removedTools).toEqual(['web_search']);
    expect(req.warnings).toEqual([expect.stringMatching(/^tools\[8\]: removed hosted tool 'web_search'/)]);
    expect(req.reasoning).toEqual({ summary: 'auto' });
    expect(itemTypes(req.items)).toEqual(['message:developer', 'message:developer', 'message:user', 'message:user']);
    expect(req.items[1]).toMatchObject({ content: [{ type: 'text' }, { type: 'text' }] });
  });

  it('gpt-5.5-turn1: the apply_patch custom tool with its Lark grammar; tool_search and web_search removed; effort and verbosity', () => {
    const body = readCodexRequest('gpt-5.5-turn1-request.json').body;
    const req = decodeResponsesRequest(body);
    const patch = req.tools.find((t) => t.name === 'apply_patch');
    const original = body.tools.find((t: any) => t.name === 'apply_patch');
    expect(patch).toEqual({
      type: 'custom',
      name: 'apply_patch',
      description: original.description,
      format: { type: 'grammar', syntax: 'lark', definition: original.format.definition },
    });
    expect(patch?.type === 'custom' && patch.format?.type === 'grammar' && patch.format.definition).toMatch(/^start: begin_patch hunk\+ end_patch/);
    expect(req.removedTools).toEqual(['tool_search', 'web_search']);
    expect(req.warnings).toHaveLength(2);
    expect(req.reasoning).toEqual({ effort: 'medium' });
    expect(req.verbosity).toBe('low');
    expect(req.responseFormat).toBeUndefined();
  });

  it('apply-patch-catalog-turn1: custom apply_patch beside the namespace', () => {
    const req = decode('apply-patch-catalog-turn1-request.json');
    expect(toolNames(req.tools)).toContain('apply_patch');
    expect(toolNames(req.tools)).toContain('multi_agent_v1/spawn_agent');
    expect(req.removedTools).toEqual(['web_search']);
  });

  it('compaction-request: an ordinary call with tools: [] and parallel_tool_calls false', () => {
    const req = decode('compaction-request.json');
    expect(req.tools).toEqual([]);
    expect(req.removedTools).toEqual([]);
    expect(req.warnings).toEqual([]);
    expect(req.parallelToolCalls).toBe(false);
    expect(itemTypes(req.items)).toEqual([
      'message:developer',
      'message:developer',
      'message:user',
      'message:user',
      'function_call',
      'function_call_output',
      'message:user',
    ]);
    // The compaction prompt: a user message without an id.
    const last = req.items[6];
    expect(last.type === 'message' && last.id).toBeUndefined();
    expect(last.type === 'message' && last.content[0].type === 'text' && last.content[0].text).toMatch(/^You are performing a CONTEXT CHECKPOINT COMPACTION/);
  });

  it('after-compaction: the summary comes back as a user message', () => {
    const req = decode('after-compaction-request.json');
    expect(itemTypes(req.items)).toEqual(['message:developer', 'message:developer', 'message:user', 'message:user', 'message:user']);
  });

  it('output-schema: text.format json_schema', () => {
    const req = decode('output-schema-request.json');
    expect(req.responseFormat).toEqual({
      type: 'json_schema',
      name: 'codex_output_schema',
      strict: true,
      schema: {
        type: 'object',
        properties: { answer: { type: 'string' } },
        required: ['answer'],
        additionalProperties: false,
      },
    });
  });

  it('image-input: a data: URL image part with its detail, between text parts', () => {
    const req = decode('image-input-request.json');
    const user = req.items[3];
    expect(user.type === 'message' && user.content).toEqual([
      { type: 'text', text: '<image name=[Image #1] path="/home/dev/tmp">' },
      {
        type: 'image',
        url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=',
        detail: 'high',
      },
      { type: 'text', text: '</image>' },
      { type: 'text', text: 'describe' },
    ]);
  });

  it('reasoning-turn2: the reasoning item with encrypted_content verbatim, then the call and its output', () => {
    const req = decode('reasoning-turn2-request.json');
    expect(req.items.slice(4)).toEqual([
      {
        type: 'reasoning',
        id: 'rs_fake_1_0',
        summary: ['**Planning**\n\nI will run the requested command.'],
        encryptedContent: 'fake-encrypted-rs_fake_1_0',
      },
      {
        type: 'function_call',
        id: 'fc_fake_1_1',
        callId: 'call_fake_0001',
        name: 'exec_command',
        arguments: '{"cmd":"echo hello > out.txt"}',
      },
      {
        type: 'function_call_output',
        id: 'fco_01a20c0d-18ef-7df1-9005-5e44c071d371',
        callId: 'call_fake_0001',
        output: expect.stringMatching(/^Chunk ID: 98b10f\nWall time: 0.0156 seconds\nProcess exited with code 0/),
      },
    ]);
  });

  it('turn2: function_call + function_call_output', () => {
    const req = decode('turn2-request.json');
    expect(req.items[4]).toEqual({
      type: 'function_call',
      id: 'fc_fake_1_0',
      callId: 'call_fake_0001',
      name: 'exec_command',
      arguments: '{"cmd":"echo hello > out.txt"}',
    });
    expect(req.items[5]).toMatchObject({ type: 'function_call_output', callId: 'call_fake_0001' });
  });

  it('apply-patch-catalog-turn2: custom_tool_call + custom_tool_call_output', () => {
    const req = decode('apply-patch-catalog-turn2-request.json');
    expect(req.items.slice(4)).toEqual([
      {
        type: 'custom_tool_call',
        id: 'ctc_fake_1_0',
        callId: 'call_fake_0001',
        name: 'apply_patch',
        input: '*** Begin Patch\n*** Add File: patched.txt\n+patched by apply_patch\n*** End Patch\n',
      },
      {
        type: 'custom_tool_call_output',
        id: 'ctco_01a20c0d-1b37-7990-9386-5534f6a47ba3',
        callId: 'call_fake_0001',
        output: 'Exit code: 0\nWall time: 0.1 seconds\nOutput:\nSuccess. Updated the following files:\nA patched.txt\n',
      },
    ]);
  });

  it('stream-retry: the partial assistant message already received is replayed', () => {
    const req = decode('stream-retry-request.json');
    expect(req.items[4]).toEqual({ type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'text', text: 'No id.' }] });
  });
});

describe('decodeResponsesRequest: other accepted shapes', () => {
  const base = { model: 'm', input: 'hi' };

  it('a string input is one user message; stream defaults to false', () => {
    expect(decodeResponsesRequest(base)).toEqual({
      model: 'm',
      items: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [],
      stream: false,
      removedTools: [],
      warnings: [],
    });
  });

  it('EasyInputMessage without type, string content; instructions; sampling and identity fields', () => {
    const req = decodeResponsesRequest({
      model: 'm',
      instructions: 'Be brief.',
      input: [
        { role: 'system', content: 'sys' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'a', annotations: [] }, { type: 'refusal', refusal: 'no' }], phase: 'final_answer' },
        { role: 'user', content: [{ type: 'input_file', file_id: 'file_1', filename: 'a.pdf' }] },
      ],
      max_output_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
      metadata: { team: 'payments' },
      safety_identifier: 'dev-1',
      text: { format: { type: 'json_object' } },
      reasoning: { effort: 'high', generate_summary: 'concise' },
      previous_response_id: null,
      background: false,
      top_logprobs: 0,
      truncation: 'disabled',
      service_tier: 'auto',
      stream_options: { include_obfuscation: false },
      max_tool_calls: 3,
    });
    expect(req.instructions).toBe('Be brief.');
    expect(req.items).toEqual([
      { type: 'message', role: 'system', content: [{ type: 'text', text: 'sys' }] },
      { type: 'message', role: 'assistant', phase: 'final_answer', content: [{ type: 'text', text: 'a' }, { type: 'refusal', text: 'no' }] },
      { type: 'message', role: 'user', content: [{ type: 'file', fileId: 'file_1', filename: 'a.pdf' }] },
    ]);
    expect(req).toMatchObject({
      maxOutputTokens: 100,
      temperature: 0.5,
      topP: 0.9,
      metadata: { team: 'payments' },
      user: 'dev-1',
      responseFormat: { type: 'json_object' },
      reasoning: { effort: 'high', summary: 'concise' },
    });
    expect(req.warnings).toEqual([]);
  });

  it('tool outputs as content parts', () => {
    const req = decodeResponsesRequest({
      model: 'm',
      input: [
        { type: 'function_call', call_id: 'c1', name: 'view_image', arguments: '{}' },
        {
          type: 'function_call_output',
          call_id: 'c1',
          output: [
            { type: 'input_text', text: 'here' },
            { type: 'input_image', image_url: 'https://x/y.png' },
          ],
        },
      ],
    });
    expect(req.items[1]).toEqual({
      type: 'function_call_output',
      callId: 'c1',
      output: [
        { type: 'text', text: 'here' },
        { type: 'image', url: 'https://x/y.png' },
      ],
    });
  });

  it('reasoning content (reasoning_text) is kept', () => {
    const req = decodeResponsesRequest({
      model: 'm',
      input: [
        { type: 'reasoning', id: 'rs_1', summary: [], content: [{ type: 'reasoning_text', text: 'raw' }] },
        { role: 'user', content: 'go' },
      ],
    });
    expect(req.items[0]).toEqual({ type: 'reasoning', id: 'rs_1', summary: [], content: ['raw'] });
  });

  it('custom tool with a text format and a regex grammar', () => {
    const req = decodeResponsesRequest({
      ...base,
      tools: [
        { type: 'custom', name: 'free' , format: { type: 'text' } },
        { type: 'custom', name: 'sql', format: { type: 'grammar', syntax: 'regex', definition: 'SELECT .*' } },
        { type: 'function', name: 'noargs' },
      ],
    });
    expect(req.tools).toEqual([
      { type: 'custom', name: 'free', format: { type: 'text' } },
      { type: 'custom', name: 'sql', format: { type: 'grammar', syntax: 'regex', definition: 'SELECT .*' } },
      { type: 'function', name: 'noargs', parameters: { type: 'object', properties: {} } },
    ]);
  });

  it('every hosted tool is removed and recorded, never silently', () => {
    const hosted = ['web_search', 'web_search_preview', 'tool_search', 'file_search', 'code_interpreter', 'image_generation', 'computer_use_preview', 'local_shell', 'mcp', 'shell', 'apply_patch'];
    const req = decodeResponsesRequest({ ...base, tools: hosted.map((type) => ({ type })) });
    expect(req.tools).toEqual([]);
    expect(req.removedTools).toEqual(hosted);
    expect(req.warnings).toHaveLength(hosted.length);
  });

  it('tool_choice: function (resolving a namespace), custom, allowed_tools, hosted', () => {
    const tools = [
      { type: 'function', name: 'exec_command', parameters: {} },
      { type: 'namespace', name: 'multi_agent_v1', description: 'd', tools: [{ type: 'function', name: 'spawn_agent', parameters: {} }] },
      { type: 'custom', name: 'apply_patch' },
      { type: 'web_search' },
    ];
    const choose = (tool_choice: unknown) => decodeResponsesRequest({ ...base, tools, tool_choice });
    expect(choose('required').toolChoice).toBe('required');
    expect(choose({ type: 'function', name: 'exec_command' }).toolChoice).toEqual({ type: 'function', name: 'exec_command' });
    expect(choose({ type: 'function', name: 'spawn_agent' }).toolChoice).toEqual({ type: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1' });
    expect(choose({ type: 'custom', name: 'apply_patch' }).toolChoice).toEqual({ type: 'custom', name: 'apply_patch' });

    const allowed = choose({ type: 'allowed_tools', mode: 'required', tools: [{ type: 'custom', name: 'apply_patch' }, { type: 'web_search' }] });
    expect(allowed.toolChoice).toBe('required');
    expect(allowed.tools).toEqual([{ type: 'custom', name: 'apply_patch' }]);
    expect(allowed.warnings).toContainEqual(expect.stringMatching(/allowed_tools approximated by offering only the 1 allowed of 3 tools/));

    const hosted = choose({ type: 'web_search_preview' });
    expect(hosted.toolChoice).toBe('auto');
    expect(hosted.warnings).toContainEqual(expect.stringMatching(/hosted tool 'web_search_preview' was removed/));
  });

  it('knobs without a canonical field are warned about, not dropped silently', () => {
    const req = decodeResponsesRequest({
      ...base,
      truncation: 'auto',
      service_tier: 'flex',
      prompt_cache_retention: '24h',
      reasoning: { effort: 'low', mode: 'standard' },
      text: { verbosity: 'high', foo: 1 },
      tools: [{ type: 'function', name: 'f', parameters: {}, defer_loading: true }],
    });
    expect(req.warnings).toEqual([
      "tools[0]: defer_loading ignored: 'f' is offered up front",
      'text.foo ignored: not understood by the gateway',
      'reasoning.mode ignored: not understood by the gateway',
      "truncation 'auto' ignored: the gateway does not truncate; an input over the context window fails instead",
      "service_tier 'flex' ignored: not carried to the upstream",
      "prompt_cache_retention '24h' ignored: not carried to the upstream",
    ]);
  });

  it('hosted-tool items in the history are left out with a warning', () => {
    const req = decodeResponsesRequest({
      model: 'm',
      input: [
        { role: 'user', content: 'search' },
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'q' } },
        { type: 'web_search_call', id: 'ws_2', status: 'completed' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'found', annotations: [] }] },
      ],
    });
    expect(itemTypes(req.items)).toEqual(['message:user', 'message:assistant']);
    expect(req.warnings).toEqual(["input: left out 2 'web_search_call' item(s): hosted-tool history has no canonical form"]);
  });
});

function expect400(body: unknown, param: string | null, message: RegExp | string, code?: string): void {
  let caught: unknown;
  try {
    decodeResponsesRequest(body);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(GatewayError);
  const err = caught as GatewayError;
  expect(err.status).toBe(400);
  expect(err.type).toBe('invalid_request_error');
  expect(err.param).toBe(param);
  if (typeof message === 'string') expect(err.message).toBe(message);
  else expect(err.message).toMatch(message);
  if (code !== undefined) expect(err.code).toBe(code);
}

describe('decodeResponsesRequest: every 400 names the field', () => {
  const ok = { model: 'm', input: 'hi' };
  const withItem = (item: unknown) => ({ model: 'm', input: [{ role: 'user', content: 'x' }, item] });

  it('a body that is not an object', () => {
    expect400([1], null, 'The request body must be a JSON object, got an array.', 'invalid_request_body');
  });

  it('missing model is left to the routing policy', () => {
    expect(decodeResponsesRequest({ input: 'hi' }).model).toBe('');
  });

  it('model of the wrong type', () => {
    expect400({ model: 5, input: 'hi' }, 'model', "Invalid 'model': expected a string, got a number", 'invalid_type');
  });

  it('missing input', () => {
    expect400({ model: 'm' }, 'input', "Invalid 'input': is required", 'missing_required_parameter');
  });

  it('empty input without instructions', () => {
    expect400({ model: 'm', input: [] }, 'input', "Invalid 'input': must contain at least one item");
  });

  it('an unknown top-level field (as OpenAI answers)', () => {
    expect400({ ...ok, frequency_penalty: 1 }, 'frequency_penalty', "Unknown parameter: 'frequency_penalty'.", 'unknown_parameter');
  });

  it('a bad input item type', () => {
    expect400(withItem({ type: 'bogus' }), 'input[1].type', /^Invalid 'input\[1\]\.type': got "bogus"; supported values are 'message', 'function_call'/, 'invalid_value');
  });

  it('an item with neither type nor role', () => {
    expect400(withItem({ content: 'x' }), 'input[1].type', "Invalid 'input[1].type': is required");
  });

  it('function_call_output without call_id', () => {
    expect400(withItem({ type: 'function_call_output', output: 'x' }), 'input[1].call_id', "Invalid 'input[1].call_id': is required", 'missing_required_parameter');
  });

  it('function_call without arguments; arguments that are not a string', () => {
    expect400(withItem({ type: 'function_call', call_id: 'c', name: 'f' }), 'input[1].arguments', "Invalid 'input[1].arguments': is required");
    expect400(withItem({ type: 'function_call', call_id: 'c', name: 'f', arguments: {} }), 'input[1].arguments', "Invalid 'input[1].arguments': expected a string, got an object");
  });

  it('function_call_output without output', () => {
    expect400(withItem({ type: 'function_call_output', call_id: 'c' }), 'input[1].output', "Invalid 'input[1].output': is required");
  });

  it('custom_tool_call without input', () => {
    expect400(withItem({ type: 'custom_tool_call', call_id: 'c', name: 'apply_patch' }), 'input[1].input', "Invalid 'input[1].input': is required");
  });

  it('a bad message role', () => {
    expect400(withItem({ role: 'tool', content: 'x' }), 'input[1].role', /^Invalid 'input\[1\]\.role': got "tool"/);
  });

  it('a bad content part type; an image in an assistant message', () => {
    expect400(withItem({ role: 'user', content: [{ type: 'input_video' }] }), 'input[1].content[0].type', /^Invalid 'input\[1\]\.content\[0\]\.type': got "input_video"/);
    expect400(withItem({ role: 'assistant', content: [{ type: 'input_image', image_url: 'https://x' }] }), 'input[1].content[0].type', /got "input_image"; supported values are 'output_text', 'refusal'/);
  });

  it('an image by OpenAI file id is unsupported', () => {
    expect400(
      withItem({ role: 'user', content: [{ type: 'input_image', file_id: 'file_1', detail: 'auto' }] }),
      'input[1].content[0].file_id',
      /^Unsupported 'input\[1\]\.content\[0\]\.file_id'/,
      'unsupported_parameter',
    );
  });

  it('a bad image detail', () => {
    expect400(withItem({ role: 'user', content: [{ type: 'input_image', image_url: 'https://x', detail: 'max' }] }), 'input[1].content[0].detail', /got "max"/);
  });

  it('a reasoning summary part of the wrong type', () => {
    expect400(withItem({ type: 'reasoning', id: 'rs', summary: [{ type: 'text', text: 'x' }] }), 'input[1].summary[0].type', /got "text"; supported values are 'summary_text'/);
  });

  it('item_reference needs server state: unsupported', () => {
    expect400(withItem({ type: 'item_reference', id: 'msg_1' }), 'input[1].type', /^Unsupported 'input\[1\]\.type': item references/, 'unsupported_parameter');
  });

  it('a bad tool type', () => {
    expect400({ ...ok, tools: [{ type: 'function', name: 'f' }, { type: 'retrieval' }] }, 'tools[1].type', /^Invalid 'tools\[1\]\.type': got "retrieval"/);
  });

  it('a function tool without name; parameters that are not an object', () => {
    expect400({ ...ok, tools: [{ type: 'function' }] }, 'tools[0].name', "Invalid 'tools[0].name': is required");
    expect400({ ...ok, tools: [{ type: 'function', name: 'f', parameters: 'x' }] }, 'tools[0].parameters', /expected a JSON Schema object, got a string/);
  });

  it('a namespace member without name; a custom tool inside a namespace', () => {
    expect400({ ...ok, tools: [{ type: 'namespace', name: 'ns', tools: [{ type: 'function' }] }] }, 'tools[0].tools[0].name', "Invalid 'tools[0].tools[0].name': is required");
    expect400({ ...ok, tools: [{ type: 'namespace', name: 'ns', tools: [{ type: 'custom', name: 'c' }] }] }, 'tools[0].tools[0]', /^Unsupported 'tools\[0\]\.tools\[0\]'/);
  });

  it('a bad custom tool grammar syntax', () => {
    expect400({ ...ok, tools: [{ type: 'custom', name: 'c', format: { type: 'grammar', syntax: 'ebnf', definition: 'x' } }] }, 'tools[0].format.syntax', /got "ebnf"/);
  });

  it('tool_choice naming a tool that is not there; a bad tool_choice string', () => {
    expect400({ ...ok, tool_choice: { type: 'function', name: 'nope' } }, 'tool_choice.name', "Invalid 'tool_choice.name': no function tool named 'nope' in tools");
    expect400({ ...ok, tool_choice: 'always' }, 'tool_choice', /got "always"/);
  });

  it('text.format json_schema without schema; a bad verbosity', () => {
    expect400({ ...ok, text: { format: { type: 'json_schema', name: 'x' } } }, 'text.format.schema', "Invalid 'text.format.schema': is required");
    expect400({ ...ok, text: { verbosity: 'loud' } }, 'text.verbosity', /got "loud"/);
  });

  it('a bad reasoning effort', () => {
    expect400({ ...ok, reasoning: { effort: 'max' } }, 'reasoning.effort', /got "max"; supported values are 'none', 'minimal', 'low', 'medium', 'high', 'xhigh'/);
  });

  it('numbers out of range or of the wrong type', () => {
    expect400({ ...ok, temperature: 3 }, 'temperature', "Invalid 'temperature': must be at most 2, got 3");
    expect400({ ...ok, max_output_tokens: 1.5 }, 'max_output_tokens', "Invalid 'max_output_tokens': expected an integer, got 1.5");
    expect400({ ...ok, top_p: '1' }, 'top_p', "Invalid 'top_p': expected a number, got a string");
  });

  it('metadata values must be strings; include entries must be strings', () => {
    expect400({ ...ok, metadata: { n: 1 } }, 'metadata.n', "Invalid 'metadata.n': expected a string, got a number");
    expect400({ ...ok, include: ['a', 2] }, 'include[1]', "Invalid 'include[1]': expected a string, got a number");
  });

  it.each([
    ['previous_response_id', 'resp_1'],
    ['conversation', 'conv_1'],
    ['background', true],
    ['prompt', { id: 'pmpt_1' }],
    ['context_management', [{ type: 'compaction', compact_threshold: 1000 }]],
    ['top_logprobs', 5],
  ])('stateful or unreturnable feature %s: 400 unsupported', (field, value) => {
    expect400({ ...ok, [field]: value }, field, new RegExp(`^Unsupported '${field}'`), 'unsupported_parameter');
  });
});
