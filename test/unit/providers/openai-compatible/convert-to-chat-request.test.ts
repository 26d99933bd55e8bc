// Request conversion rules, one test each, on requests built from the real Codex CLI
// captures (test/fixtures/codex/*-request.json). Those bodies are Responses API requests;
// `fromCodex` below maps the few shapes they use to the canonical model by hand.
import { describe, expect, it } from 'vitest';
import type { ContentPart, Event, Item, Request, Tool, ToolOutput } from '../../../../src/canonical/types.js';
import { GatewayError } from '../../../../src/http/errors.js';
import type { ChatFlavor, ChatMessage } from '../../../../src/providers/openai-compatible/chat-api.js';
import { convertToChatRequest } from '../../../../src/providers/openai-compatible/convert-to-chat-request.js';
import { parseChatStream } from '../../../../src/providers/openai-compatible/parse-chat-stream.js';
import { unwrapCustomArguments, wrapCustomInput } from '../../../../src/providers/shared/wrap-custom-tool.js';
import { readCodexRequest } from '../../../support/fixtures.js';

function fromCodex(file: string): Request {
  const body = readCodexRequest(file).body;
  const tools: Tool[] = [];
  const removedTools: string[] = [];
  for (const t of body.tools) {
    if (t.type === 'function') tools.push({ type: 'function', name: t.name, description: t.description, parameters: t.parameters, strict: t.strict });
    else if (t.type === 'custom') tools.push({ type: 'custom', name: t.name, description: t.description, format: t.format });
    else if (t.type === 'namespace') {
      for (const f of t.tools) {
        tools.push({ type: 'function', name: f.name, namespace: t.name, namespaceDescription: t.description, description: f.description, parameters: f.parameters, strict: f.strict });
      }
    } else removedTools.push(t.type);
  }
  const part = (p: any): ContentPart =>
    p.type === 'input_image' ? { type: 'image', url: p.image_url, detail: p.detail } : { type: 'text', text: p.text };
  const items: Item[] = body.input.map((i: any): Item => {
    switch (i.type) {
      case 'message':
        return { type: 'message', role: i.role, content: i.content.map(part), id: i.id };
      case 'function_call':
        return { type: 'function_call', callId: i.call_id, name: i.name, namespace: i.namespace, arguments: i.arguments, id: i.id };
      case 'function_call_output':
        return { type: 'function_call_output', callId: i.call_id, output: i.output };
      case 'custom_tool_call':
        return { type: 'custom_tool_call', callId: i.call_id, name: i.name, input: i.input, id: i.id };
      case 'custom_tool_call_output':
        return { type: 'custom_tool_call_output', callId: i.call_id, output: i.output };
      case 'reasoning':
        return { type: 'reasoning', id: i.id, summary: i.summary.map((s: any) => s.text), encryptedContent: i.encrypted_content };
      default:
        throw new Error(`unexpected item ${i.type}`);
    }
  });
  const format = body.text?.format;
  return {
    model: body.model,
    items,
    tools,
    toolChoice: body.tool_choice,
    parallelToolCalls: body.parallel_tool_calls,
    reasoning: body.reasoning,
    responseFormat: format ? { type: 'json_schema', name: format.name, schema: format.schema, strict: format.strict } : undefined,
    verbosity: body.text?.verbosity,
    stream: true,
    store: body.store,
    include: body.include,
    promptCacheKey: body.prompt_cache_key,
    removedTools,
    warnings: [],
  };
}

const base = (items: Item[], extra: Partial<Request> = {}): Request => ({
  model: 'alias',
  items,
  tools: [],
  stream: true,
  removedTools: [],
  warnings: [],
  ...extra,
});
const user = (text: string): Item => ({ type: 'message', role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): Item => ({ type: 'message', role: 'assistant', content: [{ type: 'text', text }] });
const call = (callId: string, name: string, args = '{}', namespace?: string): Item => ({ type: 'function_call', callId, name, namespace, arguments: args });
const output = (callId: string, out: ToolOutput): Item => ({ type: 'function_call_output', callId, output: out });
const fnTool = (name: string, namespace?: string): Tool => ({ type: 'function', name, namespace, parameters: { type: 'object', properties: {} } });

const convert = (req: Request, flavor: ChatFlavor = 'openai_compatible') => convertToChatRequest(req, { model: 'upstream-model', flavor });

function catchError(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

async function* from(chunks: unknown[]) {
  for (const c of chunks) yield c;
}

describe('convertToChatRequest: a real Codex turn (codex/turn2-request.json)', () => {
  const req = fromCodex('turn2-request.json');
  const { body, warnings } = convert(req);

  it('always streams and asks for usage', () => {
    expect(body.model).toBe('upstream-model');
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('sends the history in order: developer → system, the call in an assistant message, its output as a tool message', () => {
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'system', 'user', 'user', 'assistant', 'tool']);
    expect((body.messages[0].content as string).startsWith('You are a coding agent running in the Codex CLI')).toBe(true);
    expect(body.messages[3]).toEqual({
      role: 'user',
      content: 'Run this exact shell command in the current directory: echo hello > out.txt. Then reply done.',
    });
    expect(body.messages[4]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_fake_0001', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"echo hello > out.txt"}' } }],
    });
    expect(body.messages[5]).toMatchObject({ role: 'tool', tool_call_id: 'call_fake_0001' });
    expect((body.messages[5] as { content: string }).content.startsWith('Chunk ID: 9336ee\n')).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('sends function tools only, namespaced ones flattened, with tool_choice and parallel_tool_calls', () => {
    const toolNames = body.tools!.map((t) => t.function.name);
    expect(toolNames).toEqual([
      'exec_command',
      'write_stdin',
      'request_user_input',
      'view_image',
      'multi_agent_v1__close_agent',
      'multi_agent_v1__resume_agent',
      'multi_agent_v1__send_input',
      'multi_agent_v1__spawn_agent',
      'multi_agent_v1__wait_agent',
      'get_goal',
      'create_goal',
      'update_goal',
    ]);
    expect(body.tools!.every((t) => t.type === 'function')).toBe(true);
    const exec = body.tools![0].function;
    expect(exec.strict).toBe(false);
    expect(exec.parameters).toEqual(readCodexRequest('turn2-request.json').body.tools[0].parameters);
    const spawn = body.tools!.find((t) => t.function.name === 'multi_agent_v1__spawn_agent')!.function;
    expect(spawn.description).toContain('(Part of multi_agent_v1: Tools for spawning and managing sub-agents.)');
    expect(body.tool_choice).toBe('auto');
    expect(body.parallel_tool_calls).toBe(true);
  });
});

describe('convertToChatRequest: rules', () => {
  it('puts instructions first as a system message', () => {
    const { body } = convert(base([user('hi')], { instructions: 'Be brief.' }));
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('keeps the developer role for OpenAI only', () => {
    const req = base([{ type: 'message', role: 'developer', content: [{ type: 'text', text: 'rules' }] }, user('hi')]);
    expect(convert(req, 'openai').body.messages[0]).toEqual({ role: 'developer', content: 'rules' });
    expect(convert(req, 'openai_compatible').body.messages[0]).toEqual({ role: 'system', content: 'rules' });
    expect(convert(req, 'mistral').body.messages[0]).toEqual({ role: 'system', content: 'rules' });
  });

  it('asks for usage with stream_options except on Mistral, which refuses the field', () => {
    const req = base([user('hi')]);
    expect(convert(req, 'openai').body.stream_options).toEqual({ include_usage: true });
    expect(convert(req, 'openai_compatible').body.stream_options).toEqual({ include_usage: true });
    expect(convert(req, 'mistral').body).not.toHaveProperty('stream_options');
    expect(convert(req, 'mistral').body.stream).toBe(true);
  });

  it('groups text and parallel calls of one turn into ONE assistant message, outputs after it in order', () => {
    const req = base(
      [
        user('read both'),
        { type: 'reasoning', summary: ['plan'], encryptedContent: 'opaque' },
        assistant('Reading both files.'),
        call('call_a', 'read', '{"p":"a"}'),
        call('call_b', 'read', '{"p":"b"}'),
        { type: 'custom_tool_call', callId: 'call_c', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n' },
        output('call_b', 'B'),
        output('call_a', 'A'),
        { type: 'custom_tool_call_output', callId: 'call_c', output: 'Done' },
        assistant('Both read.'),
      ],
      { tools: [fnTool('read'), { type: 'custom', name: 'apply_patch' }] },
    );
    const { body, warnings } = convert(req);
    expect(body.messages).toEqual([
      { role: 'user', content: 'read both' },
      {
        role: 'assistant',
        content: 'Reading both files.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'read', arguments: '{"p":"a"}' } },
          { id: 'call_b', type: 'function', function: { name: 'read', arguments: '{"p":"b"}' } },
          { id: 'call_c', type: 'function', function: { name: 'apply_patch', arguments: wrapCustomInput('*** Begin Patch\n*** End Patch\n') } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_b', content: 'B' },
      { role: 'tool', tool_call_id: 'call_a', content: 'A' },
      { role: 'tool', tool_call_id: 'call_c', content: 'Done' },
      { role: 'assistant', content: 'Both read.' },
    ]);
    expect(warnings).toEqual(['1 reasoning item(s) not sent: Chat Completions has no place for them on openai_compatible']);
  });

  it('sends no assistant message for a turn with nothing in it', () => {
    const { body } = convert(base([user('x'), assistant(''), user('y')]));
    expect(body.messages).toEqual([
      { role: 'user', content: 'x' },
      { role: 'user', content: 'y' },
    ]);
  });

  it('sends a no-argument call as {} and never drops a call', () => {
    const { body } = convert(base([user('x'), call('c1', 'get_goal', ''), output('c1', 'none')], { tools: [fnTool('get_goal')] }));
    expect((body.messages[1] as any).tool_calls[0].function.arguments).toBe('{}');
  });

  it('wraps a custom tool (Codex apply_patch) and round-trips its input (codex/apply-patch-catalog-turn2-request.json)', async () => {
    const req = fromCodex('apply-patch-catalog-turn2-request.json');
    const { body, names } = convert(req);
    const tool = body.tools!.find((t) => t.function.name === 'apply_patch')!;
    expect(tool.function.parameters).toMatchObject({ properties: { input: { type: 'string' } }, required: ['input'] });
    expect(tool.function.description).toContain('*** Begin Patch');
    expect(tool.function.description).toContain('Lark grammar');

    const sent = body.messages.find((m) => m.role === 'assistant') as Extract<ChatMessage, { role: 'assistant' }>;
    const patch = '*** Begin Patch\n*** Add File: patched.txt\n+patched by apply_patch\n*** End Patch\n';
    expect(sent.tool_calls![0].function.name).toBe('apply_patch');
    expect(unwrapCustomArguments(sent.tool_calls![0].function.arguments)).toBe(patch);
    expect(body.messages[body.messages.length - 1]).toMatchObject({ role: 'tool', tool_call_id: 'call_fake_0001' });

    // The model answers with the wrapped function: the client gets a custom call with raw input back.
    const events: Event[] = [];
    const reply = [
      { id: 'r', model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_2', type: 'function', function: { name: 'apply_patch', arguments: '' } }] } }] },
      { id: 'r', model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: wrapCustomInput(patch) } }] } }] },
      { id: 'r', model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    ];
    for await (const e of parseChatStream(from(reply), { names, flavor: 'openai_compatible' })) events.push(e);
    expect(events.find((e) => e.type === 'tool_call_start')).toMatchObject({ name: 'apply_patch', kind: 'custom', callId: 'call_2' });
    expect(events.filter((e) => e.type === 'tool_call_delta').map((e) => (e as { delta: string }).delta).join('')).toBe(patch);
  });

  it('flattens a namespaced call in history and restores it from the reply', async () => {
    const req = base([user('spawn'), call('c1', 'spawn_agent', '{"message":"go"}', 'multi_agent_v1'), output('c1', 'spawned')], {
      tools: [fnTool('spawn_agent', 'multi_agent_v1')],
    });
    const { body, names } = convert(req);
    expect((body.messages[1] as any).tool_calls[0].function.name).toBe('multi_agent_v1__spawn_agent');
    expect(body.tools![0].function.name).toBe('multi_agent_v1__spawn_agent');
    const events: Event[] = [];
    const reply = [
      { id: 'r', model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c2', function: { name: 'multi_agent_v1__spawn_agent', arguments: '{}' } }] } }] },
      { id: 'r', model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    ];
    for await (const e of parseChatStream(from(reply), { names, flavor: 'openai_compatible' })) events.push(e);
    expect(events.find((e) => e.type === 'tool_call_start')).toMatchObject({ name: 'spawn_agent', namespace: 'multi_agent_v1', kind: 'function' });
  });

  it('maps Mistral tool-call ids to 9 alphanumerics, the same for the call and its output, every turn', () => {
    const req = fromCodex('turn2-request.json');
    const one = convert(req, 'mistral').body.messages;
    const callMsg = one.find((m) => m.role === 'assistant') as any;
    const toolMsg = one.find((m) => m.role === 'tool') as any;
    const id = callMsg.tool_calls[0].id;
    expect(id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(toolMsg.tool_call_id).toBe(id);
    // Mistral's tool message names its function.
    expect(toolMsg.name).toBe('exec_command');
    // The next turn resends the same history: the same id again.
    const next = base([...req.items, assistant('done'), user('again'), call('gSIMJiOkT', 'exec_command'), output('gSIMJiOkT', 'ok')], { tools: req.tools });
    const two = convert(next, 'mistral').body.messages;
    expect((two.find((m) => m.role === 'assistant') as any).tool_calls[0].id).toBe(id);
    // An id Mistral itself issued passes unchanged.
    expect((two.filter((m) => m.role === 'tool')[1] as any).tool_call_id).toBe('gSIMJiOkT');
    // Other flavors keep the client's ids.
    expect((convert(req, 'openai_compatible').body.messages.find((m) => m.role === 'tool') as any).tool_call_id).toBe('call_fake_0001');
  });

  it('sends DeepSeek its reasoning back on a tool-calling turn, and nowhere else', () => {
    const req = base(
      [
        user('weather?'),
        { type: 'reasoning', summary: [], content: ['The user wants the weather.'] },
        call('c1', 'weather', '{"location":"Paris"}'),
        output('c1', 'sunny'),
        { type: 'reasoning', summary: [], content: ['Now answer.'] },
        assistant('It is sunny.'),
        user('thanks'),
      ],
      { tools: [fnTool('weather')] },
    );
    const compatible = convert(req, 'openai_compatible');
    expect(compatible.body.messages[1]).toMatchObject({ role: 'assistant', reasoning_content: 'The user wants the weather.' });
    expect(compatible.body.messages[3]).toEqual({ role: 'assistant', content: 'It is sunny.' });
    expect(compatible.warnings).toEqual(['1 reasoning item(s) not sent: Chat Completions has no place for them on openai_compatible']);
    for (const flavor of ['mistral', 'openai'] as const) {
      const other = convert(req, flavor);
      expect(other.body.messages.some((m) => 'reasoning_content' in m)).toBe(false);
      expect(other.warnings).toContain(`2 reasoning item(s) not sent: Chat Completions has no place for them on ${flavor}`);
    }
  });

  it('flattens tool outputs that are part lists to text, and sends their images in a user message after', () => {
    const req = base(
      [
        user('look'),
        call('c1', 'view_image', '{"path":"a.png"}'),
        call('c2', 'read', '{}'),
        output('c1', [
          { type: 'text', text: 'Here it is:' },
          { type: 'image', url: 'data:image/png;base64,AAAA', detail: 'high' },
        ]),
        output('c2', [{ type: 'text', text: 'line 1' }, { type: 'text', text: 'line 2' }]),
        user('and?'),
      ],
      { tools: [fnTool('view_image'), fnTool('read')] },
    );
    const { body, warnings } = convert(req);
    expect(body.messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: 'Here it is:\n[image: attached in the next user message]' },
      { role: 'tool', tool_call_id: 'c2', content: 'line 1\nline 2' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Images returned by the tool calls above:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } },
        ],
      },
      { role: 'user', content: 'and?' },
    ]);
    expect(warnings).toEqual(['input[3].output[1]: an image in a tool output was sent in a user message after the tool results']);
  });

  it('sends user images as image_url with their detail (codex/image-input-request.json)', () => {
    const { body } = convert(fromCodex('image-input-request.json'));
    const last = body.messages[body.messages.length - 1] as Extract<ChatMessage, { role: 'user' }>;
    expect(last.content).toEqual([
      { type: 'text', text: '<image name=[Image #1] path="/home/dev/tmp">' },
      {
        type: 'image_url',
        image_url: {
          url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=',
          detail: 'high',
        },
      },
      { type: 'text', text: '</image>' },
      { type: 'text', text: 'describe' },
    ]);
  });

  it('maps the output schema to response_format json_schema (codex/output-schema-request.json)', () => {
    const { body } = convert(fromCodex('output-schema-request.json'));
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'codex_output_schema',
        strict: true,
        schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false },
      },
    });
    expect(convert(base([user('x')], { responseFormat: { type: 'json_object' } })).body.response_format).toEqual({ type: 'json_object' });
    expect(convert(base([user('x')], { responseFormat: { type: 'text' } })).body).not.toHaveProperty('response_format');
  });

  it('sends no tools, tool_choice or parallel_tool_calls for a compaction request, but keeps the history calls', () => {
    const req = fromCodex('compaction-request.json');
    expect(req.tools).toEqual([]);
    const { body } = convert(req);
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('parallel_tool_calls');
    const calls = body.messages.filter((m) => m.role === 'assistant') as any[];
    expect(calls[0].tool_calls[0]).toEqual({ id: 'call_1', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"echo hello > out.txt"}' } });
    expect(body.messages[body.messages.length - 1].role).toBe('user');
  });

  it('maps tool_choice with wire names, and refuses a tool that is not offered', () => {
    const tools: Tool[] = [fnTool('spawn_agent', 'multi_agent_v1'), { type: 'custom', name: 'apply_patch' }];
    const pick = (toolChoice: Request['toolChoice']) => convert(base([user('x')], { tools, toolChoice })).body.tool_choice;
    expect(pick('required')).toBe('required');
    expect(pick('none')).toBe('none');
    expect(pick({ type: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1' })).toEqual({
      type: 'function',
      function: { name: 'multi_agent_v1__spawn_agent' },
    });
    expect(pick({ type: 'custom', name: 'apply_patch' })).toEqual({ type: 'function', function: { name: 'apply_patch' } });
    const err = catchError(() => pick({ type: 'function', name: 'nope' }));
    expect(err.status).toBe(400);
    expect(err.param).toBe('tool_choice');
  });

  it('uses max_completion_tokens for OpenAI and max_tokens elsewhere; Mistral gets random_seed', () => {
    const req = base([user('x')], { maxOutputTokens: 1000, temperature: 0.2, topP: 0.9, stop: ['END'], seed: 7, presencePenalty: 0.1, frequencyPenalty: 0.3 });
    const openai = convert(req, 'openai').body;
    expect(openai).toMatchObject({ max_completion_tokens: 1000, temperature: 0.2, top_p: 0.9, stop: ['END'], seed: 7, presence_penalty: 0.1, frequency_penalty: 0.3 });
    expect(openai).not.toHaveProperty('max_tokens');
    expect(convert(req, 'openai_compatible').body).toMatchObject({ max_tokens: 1000, seed: 7 });
    const mistral = convert(req, 'mistral').body;
    expect(mistral).toMatchObject({ max_tokens: 1000, random_seed: 7 });
    expect(mistral).not.toHaveProperty('seed');
    expect(mistral).not.toHaveProperty('max_completion_tokens');
  });

  it('sends reasoning_effort, coarsened to none | high for Mistral with a warning', () => {
    const req = (effort: 'minimal' | 'medium' | 'high') => base([user('x')], { reasoning: { effort, summary: 'auto' } });
    expect(convert(req('medium'), 'openai').body.reasoning_effort).toBe('medium');
    expect(convert(req('medium'), 'openai_compatible').body.reasoning_effort).toBe('medium');
    const mistral = convert(req('medium'), 'mistral');
    expect(mistral.body.reasoning_effort).toBe('high');
    expect(mistral.warnings).toEqual(["reasoning.effort 'medium' sent to Mistral as 'high' (Mistral accepts none | high)"]);
    expect(convert(req('minimal'), 'mistral').body.reasoning_effort).toBe('none');
    expect(convert(req('high'), 'mistral').warnings).toEqual([]);
  });

  it('sends verbosity to OpenAI only, with a warning elsewhere (codex/gpt-5.5-turn1-request.json)', () => {
    const req = fromCodex('gpt-5.5-turn1-request.json');
    expect(convert(req, 'openai').body.verbosity).toBe('low');
    const other = convert(req, 'openai_compatible');
    expect(other.body).not.toHaveProperty('verbosity');
    expect(other.warnings).toContain("text.verbosity 'low' not sent: openai_compatible Chat Completions has no such parameter");
  });

  it('refuses what Chat cannot carry with a 400 naming the field', () => {
    const sysImage = base([{ type: 'message', role: 'developer', content: [{ type: 'image', url: 'https://x/y.png' }] }]);
    const e1 = catchError(() => convert(sysImage));
    expect([e1.status, e1.param]).toEqual([400, 'input[0].content[0]']);
    const fileUrl = base([{ type: 'message', role: 'user', content: [{ type: 'file', fileUrl: 'https://x/doc.pdf' }] }]);
    expect(catchError(() => convert(fileUrl, 'openai')).param).toBe('input[0].content[0]');
    // Mistral takes a document by URL.
    expect((convert(fileUrl, 'mistral').body.messages[0] as any).content).toEqual([{ type: 'document_url', document_url: 'https://x/doc.pdf' }]);
    const fileData = base([{ type: 'message', role: 'user', content: [{ type: 'file', filename: 'a.pdf', fileData: 'data:application/pdf;base64,AA' }] }]);
    expect((convert(fileData, 'openai').body.messages[0] as any).content).toEqual([
      { type: 'file', file: { file_data: 'data:application/pdf;base64,AA', filename: 'a.pdf' } },
    ]);
    expect(catchError(() => convert(fileData, 'mistral')).param).toBe('input[0].content[0]');
  });

  it('sends an output whose call is not in the history as user text, with a warning', () => {
    const { body, warnings } = convert(base([user('x'), output('gone', 'result')]));
    expect(body.messages[1]).toEqual({ role: 'user', content: 'Output of tool call gone:\nresult' });
    expect(warnings).toEqual(["input[1]: output for call 'gone' has no matching call in the history; sent as a user message"]);
  });

  it('warns about a call that has no output', () => {
    const { warnings } = convert(base([user('x'), call('c1', 'f')], { tools: [fnTool('f')] }));
    expect(warnings).toEqual(["tool call 'c1' has no output in the history; the upstream may refuse the request"]);
  });

  it('replays a refusal as OpenAI `refusal`, and as text elsewhere with a warning', () => {
    const req = base([user('x'), { type: 'message', role: 'assistant', content: [{ type: 'refusal', text: 'I cannot.' }] }, user('y')]);
    expect(convert(req, 'openai').body.messages[1]).toEqual({ role: 'assistant', content: null, refusal: 'I cannot.' });
    const other = convert(req, 'mistral');
    expect(other.body.messages[1]).toEqual({ role: 'assistant', content: 'I cannot.' });
    expect(other.warnings).toHaveLength(1);
  });

  it("maps the image detail 'original' to 'high' with a warning", () => {
    const req = base([{ type: 'message', role: 'user', content: [{ type: 'image', url: 'https://x/y.png', detail: 'original' }] }]);
    const { body, warnings } = convert(req);
    expect((body.messages[0] as any).content).toEqual([{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'high' } }]);
    expect(warnings).toEqual(["input[0].content[0].detail 'original' sent as 'high'"]);
  });
});
