import { describe, expect, it } from 'vitest';
import { decodeChatOptions, decodeChatRequest } from '../../../../src/dialects/chat/decode-request.js';
import { GatewayError } from '../../../../src/http/errors.js';

const base = { model: 'gpt-5.1', messages: [{ role: 'user', content: 'hi' }] };
const withBody = (extra: Record<string, unknown>) => ({ ...base, ...extra });

// A 400 GatewayError naming `param` (and `code` when given).
function expect400(body: unknown, param: string, code?: string): GatewayError {
  let caught: unknown;
  try {
    decodeChatRequest(body);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(GatewayError);
  const err = caught as GatewayError;
  expect(err.status).toBe(400);
  expect(err.param).toBe(param);
  expect(err.type).toBe('invalid_request_error');
  if (code) expect(err.code).toBe(code);
  return err;
}

const toolHistory = [
  { role: 'user', content: 'patch it' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'call_fn', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } },
      { id: 'call_cu', type: 'custom', custom: { name: 'apply_patch', input: '*** Begin Patch' } },
    ],
  },
  { role: 'tool', tool_call_id: 'call_fn', content: 'file body' },
  { role: 'tool', tool_call_id: 'call_cu', content: [{ type: 'text', text: 'Done' }] },
];

describe('decodeChatRequest: the minimal request', () => {
  it('maps model, one user message, and defaults', () => {
    expect(decodeChatRequest(base)).toEqual({
      model: 'gpt-5.1',
      items: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [],
      stream: false,
      removedTools: [],
      warnings: [],
    });
  });

  it('refuses a body that is not an object', () => {
    expect400([base], 'body');
  });

  it('requires model', () => {
    expect(decodeChatRequest({ messages: base.messages }).model).toBe('');
  });

  it('requires a non-empty messages array', () => {
    expect400({ model: 'm' }, 'messages', 'missing_required_parameter');
    expect400({ model: 'm', messages: [] }, 'messages');
  });

  it('refuses unknown top-level fields as unknown_parameter', () => {
    expect400(withBody({ temprature: 1 }), 'temprature', 'unknown_parameter');
  });
});

describe('decodeChatRequest: messages', () => {
  it('keeps system and developer messages in place with their roles (not instructions)', () => {
    const req = decodeChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'developer', content: [{ type: 'text', text: 'use tools' }] },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(req.instructions).toBeUndefined();
    expect(req.items.slice(0, 2)).toEqual([
      { type: 'message', role: 'system', content: [{ type: 'text', text: 'be brief' }] },
      { type: 'message', role: 'developer', content: [{ type: 'text', text: 'use tools' }] },
    ]);
  });

  it('refuses a non-text part in a system message', () => {
    expect400(
      { model: 'm', messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] },
      'messages[0].content[0].type',
    );
  });

  it('maps user text, image_url with detail, and file parts', () => {
    const req = decodeChatRequest({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBER', filename: 'a.pdf' } },
            { type: 'file', file: { file_id: 'file-123' } },
          ],
        },
      ],
    });
    expect(req.items[0]).toEqual({
      type: 'message',
      role: 'user',
      content: [
        { type: 'text', text: 'what is this?' },
        { type: 'image', url: 'data:image/png;base64,AAAA', detail: 'high' },
        { type: 'file', fileData: 'data:application/pdf;base64,JVBER', filename: 'a.pdf' },
        { type: 'file', fileId: 'file-123' },
      ],
    });
  });

  it('refuses an image detail outside auto/low/high', () => {
    expect400(
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'u', detail: 'ultra' } }] }] },
      'messages[0].content[0].image_url.detail',
    );
  });

  it('refuses a file part with neither file_data nor file_id', () => {
    expect400(
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf' } }] }] },
      'messages[0].content[0].file',
    );
  });

  it('refuses input_audio as unsupported', () => {
    const err = expect400(
      {
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }] }],
      },
      'messages[0].content[0].type',
      'unsupported_parameter',
    );
    expect(err.message).toMatch(/audio/);
  });

  it('refuses an unknown role, naming it', () => {
    expect400({ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role');
  });

  it("refuses the legacy 'function' role as unsupported", () => {
    expect400(
      { model: 'm', messages: [{ role: 'function', name: 'f', content: '{}' }] },
      'messages[0].role',
      'unsupported_parameter',
    );
  });

  it('refuses an unknown field on a message as unknown_parameter', () => {
    expect400({ model: 'm', messages: [{ role: 'user', content: 'x', cache_control: {} }] }, 'messages[0].cache_control', 'unknown_parameter');
  });

  it('accepts a participant name but records that it was ignored', () => {
    const req = decodeChatRequest({ model: 'm', messages: [{ role: 'user', content: 'x', name: 'alice' }] });
    expect(req.warnings).toEqual(['messages[0].name was ignored: participant names are not forwarded']);
  });

  it('maps an assistant turn to a message followed by function_call and custom_tool_call items', () => {
    const req = decodeChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: 'Reading first.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } },
            { id: 'call_2', type: 'custom', custom: { name: 'apply_patch', input: '*** Begin Patch' } },
          ],
        },
      ],
    });
    expect(req.items.slice(1)).toEqual([
      { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Reading first.' }] },
      { type: 'function_call', callId: 'call_1', name: 'read_file', arguments: '{"path":"a"}' },
      { type: 'custom_tool_call', callId: 'call_2', name: 'apply_patch', input: '*** Begin Patch' },
    ]);
  });

  it('emits no message item for an assistant turn with only tool calls (null or empty content)', () => {
    for (const content of [null, '']) {
      const req = decodeChatRequest({
        model: 'm',
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        ],
      });
      expect(req.items.map((i) => i.type)).toEqual(['message', 'function_call']);
    }
  });

  it('maps assistant text parts and refusal into one message', () => {
    const req = decodeChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: [{ type: 'text', text: 'Hmm.' }, { type: 'refusal', refusal: 'No.' }] },
        { role: 'assistant', content: null, refusal: 'I cannot help with that.', annotations: [] },
      ],
    });
    expect(req.items.slice(1)).toEqual([
      { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hmm.' }, { type: 'refusal', text: 'No.' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'refusal', text: 'I cannot help with that.' }] },
    ]);
  });

  it('maps echoed-back reasoning_content to a reasoning item before the message', () => {
    const req = decodeChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: 'y', reasoning_content: 'thinking…' },
      ],
    });
    expect(req.items[1]).toEqual({ type: 'reasoning', summary: [], content: ['thinking…'] });
    expect(req.items[2]).toMatchObject({ type: 'message', role: 'assistant' });
  });

  it('refuses an assistant message with neither content nor tool_calls', () => {
    expect400({ model: 'm', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null }] }, 'messages[1].content');
  });

  it('refuses an assistant audio reference and a legacy function_call as unsupported', () => {
    expect400(
      { model: 'm', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'a', audio: { id: 'audio_1' } }] },
      'messages[1].audio',
      'unsupported_parameter',
    );
    expect400(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }],
      },
      'messages[1].function_call',
      'unsupported_parameter',
    );
  });

  it('names the field of a malformed tool call', () => {
    const msg = (call: unknown) => ({ model: 'm', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [call] }] });
    expect400(msg({ type: 'function', function: { name: 'f', arguments: '{}' } }), 'messages[1].tool_calls[0].id');
    expect400(msg({ id: 'c', type: 'function', function: { name: 'f', arguments: { a: 1 } } }), 'messages[1].tool_calls[0].function.arguments');
    expect400(msg({ id: 'c', type: 'custom', custom: { input: 'x' } }), 'messages[1].tool_calls[0].custom.name');
    expect400(msg({ id: 'c', type: 'mcp' }), 'messages[1].tool_calls[0].type');
  });

  it('maps tool messages to function_call_output, or custom_tool_call_output for a custom call', () => {
    const req = decodeChatRequest({ model: 'm', messages: toolHistory });
    expect(req.items.slice(3)).toEqual([
      { type: 'function_call_output', callId: 'call_fn', output: 'file body' },
      { type: 'custom_tool_call_output', callId: 'call_cu', output: [{ type: 'text', text: 'Done' }] },
    ]);
  });

  it('refuses a tool message whose tool_call_id matches no earlier call', () => {
    const err = expect400(
      { model: 'm', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }, { role: 'tool', tool_call_id: 'call_x', content: 'z' }] },
      'messages[2].tool_call_id',
    );
    expect(err.message).toContain('call_x');
  });

  it('requires tool_call_id on a tool message', () => {
    expect400({ model: 'm', messages: [{ role: 'tool', content: 'z' }] }, 'messages[0].tool_call_id', 'missing_required_parameter');
  });
});

describe('decodeChatRequest: tools and tool_choice', () => {
  const fnTool = { type: 'function', function: { name: 'read_file', description: 'Read', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: true } };
  const customTool = { type: 'custom', custom: { name: 'apply_patch', description: 'Patch', format: { type: 'grammar', grammar: { syntax: 'lark', definition: 'start: "x"' } } } };

  it('maps function tools with parameters, strict and description', () => {
    expect(decodeChatRequest(withBody({ tools: [fnTool] })).tools).toEqual([
      { type: 'function', name: 'read_file', description: 'Read', parameters: fnTool.function.parameters, strict: true },
    ]);
  });

  it('gives a function tool without parameters an empty object schema', () => {
    const [tool] = decodeChatRequest(withBody({ tools: [{ type: 'function', function: { name: 'now' } }] })).tools;
    expect(tool).toEqual({ type: 'function', name: 'now', parameters: { type: 'object', properties: {} } });
  });

  it('maps custom tools with their grammar or text format', () => {
    const req = decodeChatRequest(
      withBody({ tools: [customTool, { type: 'custom', custom: { name: 'shell', format: { type: 'text' } } }] }),
    );
    expect(req.tools).toEqual([
      { type: 'custom', name: 'apply_patch', description: 'Patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } },
      { type: 'custom', name: 'shell', format: { type: 'text' } },
    ]);
  });

  it('refuses an unknown tool type and a duplicate tool name', () => {
    expect400(withBody({ tools: [{ type: 'web_search' }] }), 'tools[0].type');
    expect400(withBody({ tools: [fnTool, fnTool] }), 'tools[1].function.name');
  });

  it('accepts the string tool choices', () => {
    for (const choice of ['none', 'auto', 'required'] as const) {
      expect(decodeChatRequest(withBody({ tools: [fnTool], tool_choice: choice })).toolChoice).toBe(choice);
    }
  });

  it('maps named function and custom tool choices', () => {
    const tools = [fnTool, customTool];
    expect(decodeChatRequest(withBody({ tools, tool_choice: { type: 'function', function: { name: 'read_file' } } })).toolChoice).toEqual({
      type: 'function',
      name: 'read_file',
    });
    expect(decodeChatRequest(withBody({ tools, tool_choice: { type: 'custom', custom: { name: 'apply_patch' } } })).toolChoice).toEqual({
      type: 'custom',
      name: 'apply_patch',
    });
  });

  it('refuses a named tool choice for a tool not in tools', () => {
    expect400(withBody({ tools: [fnTool], tool_choice: { type: 'function', function: { name: 'nope' } } }), 'tool_choice.function.name');
  });

  it('refuses allowed_tools tool choice as unsupported', () => {
    expect400(
      withBody({ tools: [fnTool], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } }),
      'tool_choice.type',
      'unsupported_parameter',
    );
  });

  it('maps parallel_tool_calls', () => {
    expect(decodeChatRequest(withBody({ parallel_tool_calls: false })).parallelToolCalls).toBe(false);
    expect400(withBody({ parallel_tool_calls: 'no' }), 'parallel_tool_calls');
  });

  it('refuses the legacy functions / function_call parameters as unsupported', () => {
    expect400(withBody({ functions: [{ name: 'f' }] }), 'functions', 'unsupported_parameter');
    expect400(withBody({ function_call: 'auto' }), 'function_call', 'unsupported_parameter');
  });
});

describe('decodeChatRequest: response_format', () => {
  it('maps text and json_object', () => {
    expect(decodeChatRequest(withBody({ response_format: { type: 'text' } })).responseFormat).toEqual({ type: 'text' });
    expect(decodeChatRequest(withBody({ response_format: { type: 'json_object' } })).responseFormat).toEqual({ type: 'json_object' });
  });

  it('maps json_schema with name, schema, strict, description', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    const req = decodeChatRequest(
      withBody({ response_format: { type: 'json_schema', json_schema: { name: 'out', schema, strict: true, description: 'd' } } }),
    );
    expect(req.responseFormat).toEqual({ type: 'json_schema', name: 'out', schema, strict: true, description: 'd' });
  });

  it('requires json_schema.name and json_schema.schema', () => {
    expect400(withBody({ response_format: { type: 'json_schema', json_schema: { schema: {} } } }), 'response_format.json_schema.name');
    expect400(withBody({ response_format: { type: 'json_schema', json_schema: { name: 'x' } } }), 'response_format.json_schema.schema');
  });

  it('refuses an unknown response_format type', () => {
    expect400(withBody({ response_format: { type: 'yaml' } }), 'response_format.type');
  });
});

describe('decodeChatRequest: sampling and limits', () => {
  it('maps max_completion_tokens, or max_tokens', () => {
    expect(decodeChatRequest(withBody({ max_completion_tokens: 100 })).maxOutputTokens).toBe(100);
    expect(decodeChatRequest(withBody({ max_tokens: 50 })).maxOutputTokens).toBe(50);
    expect(decodeChatRequest(withBody({ max_tokens: 50, max_completion_tokens: 50 })).maxOutputTokens).toBe(50);
  });

  it('refuses max_tokens that conflicts with max_completion_tokens', () => {
    expect400(withBody({ max_tokens: 50, max_completion_tokens: 100 }), 'max_tokens');
  });

  it('refuses a non-positive or fractional max_completion_tokens', () => {
    expect400(withBody({ max_completion_tokens: 0 }), 'max_completion_tokens');
    expect400(withBody({ max_completion_tokens: 1.5 }), 'max_completion_tokens');
  });

  it('maps temperature, top_p, seed and the penalties', () => {
    const req = decodeChatRequest(
      withBody({ temperature: 0.2, top_p: 0.9, seed: 42, presence_penalty: 0.5, frequency_penalty: -0.5 }),
    );
    expect(req).toMatchObject({ temperature: 0.2, topP: 0.9, seed: 42, presencePenalty: 0.5, frequencyPenalty: -0.5 });
  });

  it('refuses out-of-range sampling values, naming each', () => {
    expect400(withBody({ temperature: 3 }), 'temperature');
    expect400(withBody({ top_p: 1.5 }), 'top_p');
    expect400(withBody({ presence_penalty: -3 }), 'presence_penalty');
    expect400(withBody({ frequency_penalty: '1' }), 'frequency_penalty');
    expect400(withBody({ seed: 1.5 }), 'seed');
  });

  it('maps stop as a string or an array', () => {
    expect(decodeChatRequest(withBody({ stop: 'END' })).stop).toEqual(['END']);
    expect(decodeChatRequest(withBody({ stop: ['a', 'b'] })).stop).toEqual(['a', 'b']);
    expect400(withBody({ stop: [1] }), 'stop');
  });

  it('maps reasoning_effort and verbosity', () => {
    const req = decodeChatRequest(withBody({ reasoning_effort: 'high', verbosity: 'low' }));
    expect(req.reasoning).toEqual({ effort: 'high' });
    expect(req.verbosity).toBe('low');
    expect400(withBody({ reasoning_effort: 'extreme' }), 'reasoning_effort');
  });

  it('treats null optional parameters as absent', () => {
    const req = decodeChatRequest(withBody({ temperature: null, stop: null, seed: null, n: null, logprobs: null, tools: null }));
    expect(req.temperature).toBeUndefined();
    expect(req.stop).toBeUndefined();
  });
});

describe('decodeChatRequest: stream, identity and caching', () => {
  it('maps stream', () => {
    expect(decodeChatRequest(withBody({ stream: true })).stream).toBe(true);
  });

  it('returns include_usage through decodeChatOptions', () => {
    const body = withBody({ stream: true, stream_options: { include_usage: true } });
    expect(decodeChatOptions(body)).toEqual({ includeUsage: true });
    expect(decodeChatOptions(withBody({ stream: true }))).toEqual({ includeUsage: false });
    expect(decodeChatRequest(body).stream).toBe(true);
  });

  it('refuses stream_options on a non-streamed request, and unknown stream options', () => {
    expect400(withBody({ stream_options: { include_usage: true } }), 'stream_options');
    expect400(withBody({ stream: true, stream_options: { chunk_size: 1 } }), 'stream_options.chunk_size', 'unknown_parameter');
  });

  it('maps user, metadata, store and prompt_cache_key', () => {
    const req = decodeChatRequest(withBody({ user: 'dev@example.com', metadata: { repo: 'x' }, store: false, prompt_cache_key: 'k1' }));
    expect(req).toMatchObject({ user: 'dev@example.com', metadata: { repo: 'x' }, store: false, promptCacheKey: 'k1' });
  });

  it('refuses metadata values that are not strings', () => {
    expect400(withBody({ metadata: { n: 1 } }), 'metadata.n');
  });

  it('maps safety_identifier to user when user is absent', () => {
    expect(decodeChatRequest(withBody({ safety_identifier: 'hash-1' })).user).toBe('hash-1');
  });
});

describe('decodeChatRequest: features that cannot be routed give a 400 naming them', () => {
  it.each([
    ['n', { n: 2 }],
    ['logprobs', { logprobs: true }],
    ['top_logprobs', { top_logprobs: 3 }],
    ['audio', { audio: { voice: 'alloy', format: 'wav' } }],
    ['modalities', { modalities: ['text', 'audio'] }],
    ['prediction', { prediction: { type: 'content', content: 'x' } }],
    ['web_search_options', { web_search_options: {} }],
    ['logit_bias', { logit_bias: { '50256': -100 } }],
    ['service_tier', { service_tier: 'priority' }],
    ['prompt_cache_retention', { prompt_cache_retention: '24h' }],
  ])('%s', (param, extra) => {
    expect400(withBody(extra), param, 'unsupported_parameter');
  });

  it('accepts their neutral values', () => {
    expect(() =>
      decodeChatRequest(
        withBody({ n: 1, logprobs: false, modalities: ['text'], logit_bias: {}, service_tier: 'auto', prompt_cache_retention: 'in-memory' }),
      ),
    ).not.toThrow();
  });
});
