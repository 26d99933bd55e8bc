// One test per request-mapping rule (issue 3, Anthropic). Requests are built the way the
// gateway builds them (decodeResponsesRequest on a Responses body), converted, and every
// body is also checked by the fake Anthropic upstream's validator: a rule passes only if
// the real API would accept the request.
import { describe, expect, it } from 'vitest';
import type { Item, ProviderState, Request } from '../../../../src/canonical/types.js';
import { decodeResponsesRequest } from '../../../../src/dialects/responses/decode-request.js';
import { decodeChatRequest } from '../../../../src/dialects/chat/decode-request.js';
import { GatewayError } from '../../../../src/http/errors.js';
import { anthropicReasoningState } from '../../../../src/providers/anthropic/anthropic-reasoning-state.js';
import { convertToAnthropicRequest, JSON_OBJECT_INSTRUCTION, type AnthropicTarget } from '../../../../src/providers/anthropic/convert-to-anthropic-request.js';
import { MISSING_OUTPUT_TEXT } from '../../../../src/providers/anthropic/convert-to-anthropic-messages.js';
import { THINKING_BUDGETS } from '../../../../src/providers/anthropic/map-anthropic-thinking.js';
import { validateAnthropicRequest, type IssuedThinking } from '../../../support/fake-anthropic-upstream.js';

const SONNET = 'claude-sonnet-4-5-20250929';
const HEADERS = { 'anthropic-version': '2023-06-01' };

function responses(body: Record<string, unknown>): Request {
  return decodeResponsesRequest({ model: 'claude-alias', ...body });
}

function convert(req: Request, target: Partial<AnthropicTarget> = {}, issued?: IssuedThinking) {
  const out = convertToAnthropicRequest(req, { model: SONNET, ...target });
  // What the real API would say about it.
  expect(validateAnthropicRequest(out.body, HEADERS, { issued })).toBeNull();
  return out;
}

// Anthropic state as the pipeline hands it over after opening encrypted_content.
function withState(item: Item, state: ProviderState): Item {
  return { ...item, state } as Item;
}
const thinkingState = (thinking: string, signature: string, model = SONNET) => anthropicReasoningState(model, [{ type: 'thinking', thinking, signature }]);
const issuedFor = (...blocks: [string, string][]): IssuedThinking => ({ thinking: new Map(blocks.map(([t, s]) => [s, t])), redacted: new Set(['REDACTED-DATA']) });

const weather = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const user = (text: string) => ({ role: 'user', content: text });
const call = (id: string, args = '{"city":"Paris"}') => ({ type: 'function_call', call_id: id, name: 'get_weather', arguments: args });
const output = (id: string, text = 'sunny') => ({ type: 'function_call_output', call_id: id, output: text });

describe('system and roles', () => {
  it('instructions, system and developer messages (anywhere) → top-level system text blocks, in order', () => {
    const { body } = convert(
      responses({
        instructions: 'Be brief.',
        input: [
          { role: 'developer', content: 'You are a coding agent.' },
          { role: 'system', content: [{ type: 'input_text', text: 'Sandbox: workspace-write.' }] },
          user('hi'),
          { role: 'developer', content: 'Permissions changed.' },
          user('again'),
        ],
      }),
      { promptCache: 'off' },
    );
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'You are a coding agent.' },
      { type: 'text', text: 'Sandbox: workspace-write.' },
      { type: 'text', text: 'Permissions changed.' },
    ]);
    expect(body.messages.map((m) => m.role)).toEqual(['user']);
  });

  it('consecutive same-role turns merge into one message (user texts, assistant texts)', () => {
    const { body } = convert(
      responses({
        input: [user('one'), user('two'), { role: 'assistant', content: 'a' }, { role: 'assistant', content: 'b' }, user('three')],
      }),
      { promptCache: 'off' },
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'user', content: [{ type: 'text', text: 'three' }] },
    ]);
  });

  it('empty texts are left out (Anthropic refuses empty text blocks)', () => {
    const { body } = convert(responses({ input: [user('hi'), { role: 'assistant', content: '' }, user('')] }), { promptCache: 'off' });
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it('a final prefilled assistant message loses its trailing whitespace', () => {
    const { body } = convert(responses({ input: [user('hi'), { role: 'assistant', content: 'Sure:  \n' }] }), { promptCache: 'off' });
    expect(body.messages.at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Sure:' }] });
  });
});

describe('tool calls and results', () => {
  it('parallel calls of one turn → ONE assistant message; their outputs → ONE user message', () => {
    const { body } = convert(
      responses({ tools: [weather], input: [user('Paris and Oslo?'), call('call_1'), call('call_2', '{"city":"Oslo"}'), output('call_1'), output('call_2', 'rain')] }),
      { promptCache: 'off' },
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Paris and Oslo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Oslo' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'call_2', content: 'rain' },
        ],
      },
    ]);
  });

  it('one turn split by Codex into reasoning, message and calls → thinking first, then text, then every tool_use', () => {
    const req = responses({
      tools: [weather],
      input: [user('go'), { type: 'reasoning', summary: [] }, { role: 'assistant', content: [{ type: 'output_text', text: 'Checking both.' }] }, call('call_1'), call('call_2'), output('call_1'), output('call_2')],
    });
    req.items[1] = withState(req.items[1], thinkingState('Plan it.', 'sig-A'));
    const { body } = convert(req, { promptCache: 'off' }, issuedFor(['Plan it.', 'sig-A']));
    expect(body.messages[1].content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use', 'tool_use']);
  });

  it('tool_result blocks come FIRST in the user message, before user text that arrived between the call and its output', () => {
    const { body } = convert(responses({ tools: [weather], input: [user('q'), call('call_1'), user('also this'), output('call_1')] }), { promptCache: 'off' });
    expect(body.messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
        { type: 'text', text: 'also this' },
      ],
    });
  });

  it('a call without output is kept and answered by an error result saying so, with a warning', () => {
    const { body, warnings } = convert(responses({ tools: [weather], input: [user('q'), call('call_1'), call('call_2'), output('call_2'), user('next')] }), { promptCache: 'off' });
    expect(body.messages[1].content.map((b: any) => b.id)).toEqual(['call_1', 'call_2']);
    expect(body.messages[2].content).toEqual([
      { type: 'tool_result', tool_use_id: 'call_2', content: 'sunny' },
      { type: 'tool_result', tool_use_id: 'call_1', is_error: true, content: MISSING_OUTPUT_TEXT },
      { type: 'text', text: 'next' },
    ]);
    expect(warnings).toEqual([expect.stringContaining("tool call 'call_1' has no output")]);
  });

  it('a history that ends on calls (no outputs yet) gets the error results in a final user message', () => {
    const { body } = convert(responses({ tools: [weather], input: [user('q'), call('call_1')] }), { promptCache: 'off' });
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', is_error: true, content: MISSING_OUTPUT_TEXT }] });
  });

  it('an output without its call (trimmed history) → user text naming the call, with a warning', () => {
    const { body, warnings } = convert(responses({ tools: [weather], input: [user('q'), output('call_gone', 'old result')] }), { promptCache: 'off' });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'q' },
          { type: 'text', text: 'Output of tool call call_gone (the call itself is not in this conversation):\nold result' },
        ],
      },
    ]);
    expect(warnings).toEqual([expect.stringContaining("output for call 'call_gone' has no matching call")]);
  });

  it('call ids Anthropic would refuse are rewritten the same way for the call and its output', () => {
    const { body } = convert(responses({ tools: [weather], input: [user('q'), call('fc:1/abc'), output('fc:1/abc')] }), { promptCache: 'off' });
    const id = (body.messages[1].content[0] as any).id;
    expect(id).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect((body.messages[2].content[0] as any).tool_use_id).toBe(id);
  });

  it('arguments that are not a JSON object are kept as a string, with a warning', () => {
    const { body, warnings } = convert(responses({ tools: [weather], input: [user('q'), call('call_1', '{"city": "Par'), output('call_1')] }), { promptCache: 'off' });
    expect((body.messages[1].content[0] as any).input).toEqual({ arguments: '{"city": "Par' });
    expect(warnings).toEqual([expect.stringContaining('not a JSON object')]);
  });

  it('tool outputs with images → image blocks inside the tool_result', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const { body } = convert(
      responses({
        tools: [weather],
        input: [user('q'), call('call_1'), { type: 'function_call_output', call_id: 'call_1', output: [{ type: 'input_text', text: 'see' }, { type: 'input_image', image_url: png }] }],
      }),
      { promptCache: 'off' },
    );
    expect(body.messages[2].content[0]).toEqual({
      type: 'tool_result',
      tool_use_id: 'call_1',
      content: [
        { type: 'text', text: 'see' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      ],
    });
  });

  it('an empty output leaves tool_result.content out', () => {
    const { body } = convert(responses({ tools: [weather], input: [user('q'), call('call_1'), output('call_1', '')] }), { promptCache: 'off' });
    expect(body.messages[2].content[0]).toEqual({ type: 'tool_result', tool_use_id: 'call_1' });
  });
});

describe('tools', () => {
  it('function tools → name, description, input_schema; namespace tools flattened to valid names', () => {
    const { body } = convert(
      responses({
        tools: [
          { ...weather, description: 'Weather for a city', strict: false },
          { type: 'namespace', name: 'multi_agent_v1', description: 'Sub-agents', tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object', properties: {} } }] },
          { type: 'function', name: `${'x'.repeat(140)}.tool`, parameters: { type: 'object' } },
        ],
        input: 'hi',
      }),
      { promptCache: 'off' },
    );
    expect(body.tools![0]).toEqual({ name: 'get_weather', description: 'Weather for a city', input_schema: weather.parameters });
    expect(body.tools![1]).toMatchObject({ name: 'multi_agent_v1__spawn_agent', description: '(Part of multi_agent_v1: Sub-agents)' });
    for (const t of body.tools!) expect(t.name).toMatch(/^[a-zA-Z0-9_-]{1,128}$/);
    expect(body.tools![2].name).toHaveLength(128);
  });

  it('a namespaced call in history uses the same flattened name', () => {
    const { body } = convert(
      responses({
        tools: [{ type: 'namespace', name: 'multi_agent_v1', description: 'd', tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object' } }] }],
        input: [user('q'), { type: 'function_call', call_id: 'c1', namespace: 'multi_agent_v1', name: 'spawn_agent', arguments: '{}' }, output('c1')],
      }),
      { promptCache: 'off' },
    );
    expect(body.messages[1].content[0]).toMatchObject({ type: 'tool_use', name: 'multi_agent_v1__spawn_agent', input: {} });
  });

  it('custom tool (apply_patch) → a function with one string parameter and the grammar in the description; its history call and output round-trip', () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n';
    const { body } = convert(
      responses({
        tools: [{ type: 'custom', name: 'apply_patch', description: 'Edit files.', format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch' } }],
        input: [user('q'), { type: 'custom_tool_call', call_id: 'cp1', name: 'apply_patch', input: patch }, { type: 'custom_tool_call_output', call_id: 'cp1', output: 'Done!' }],
      }),
      { promptCache: 'off' },
    );
    const tool = body.tools![0];
    expect(tool.name).toBe('apply_patch');
    expect(tool.input_schema).toMatchObject({ type: 'object', properties: { input: { type: 'string' } }, required: ['input'] });
    expect(tool.description).toContain('start: begin_patch');
    expect(body.messages[1].content[0]).toEqual({ type: 'tool_use', id: 'cp1', name: 'apply_patch', input: { input: patch } });
    expect(body.messages[2].content[0]).toEqual({ type: 'tool_result', tool_use_id: 'cp1', content: 'Done!' });
  });

  it('tool_choice: auto (default, omitted), none, required → any, a named tool → tool', () => {
    const base = { tools: [weather], input: 'hi' };
    expect(convert(responses({ ...base, tool_choice: 'auto' })).body.tool_choice).toBeUndefined();
    expect(convert(responses({ ...base, tool_choice: 'none' })).body.tool_choice).toEqual({ type: 'none' });
    expect(convert(responses({ ...base, tool_choice: 'required' })).body.tool_choice).toEqual({ type: 'any' });
    expect(convert(responses({ ...base, tool_choice: { type: 'function', name: 'get_weather' } })).body.tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
  });

  it('parallel_tool_calls: false → disable_parallel_tool_use: true on tool_choice', () => {
    const base = { tools: [weather], input: 'hi', parallel_tool_calls: false };
    expect(convert(responses(base)).body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(convert(responses({ ...base, tool_choice: 'required' })).body.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(convert(responses({ ...base, tool_choice: 'none' })).body.tool_choice).toEqual({ type: 'none' });
    expect(convert(responses({ ...base, parallel_tool_calls: true })).body.tool_choice).toBeUndefined();
  });

  it('no tools offered but calls in the history (Codex compaction) → the history tools declared, tool_choice none', () => {
    const { body, warnings } = convert(responses({ tools: [], input: [user('q'), call('call_1'), output('call_1'), user('Summarize.')] }));
    expect(body.tools!.map((t) => t.name)).toEqual(['get_weather']);
    expect(body.tool_choice).toEqual({ type: 'none' });
    expect(warnings).toEqual([expect.stringContaining('tool_choice none')]);
  });
});

describe('thinking', () => {
  it('reasoning.effort → thinking budget_tokens per the documented table; none and minimal → no thinking', () => {
    for (const effort of ['low', 'medium', 'high', 'xhigh'] as const) {
      const { body } = convert(responses({ input: 'hi', reasoning: { effort } }));
      expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: THINKING_BUDGETS[effort] });
      expect(body.max_tokens).toBeGreaterThan(THINKING_BUDGETS[effort]);
    }
    expect(THINKING_BUDGETS).toEqual({ low: 2048, medium: 8192, high: 16384, xhigh: 24576 });
    for (const effort of ['none', 'minimal'] as const) expect(convert(responses({ input: 'hi', reasoning: { effort } })).body.thinking).toBeUndefined();
    expect(convert(responses({ input: 'hi', reasoning: { summary: 'auto' } })).body.thinking).toBeUndefined();
  });

  it('a max_tokens at or below the budget halves the budget; too small for 1024 → no thinking, with a warning', () => {
    const small = convert(responses({ input: 'hi', reasoning: { effort: 'high' }, max_output_tokens: 10000 }));
    expect(small.body.thinking).toEqual({ type: 'enabled', budget_tokens: 5000 });
    const tiny = convert(responses({ input: 'hi', reasoning: { effort: 'low' }, max_output_tokens: 1500 }));
    expect(tiny.body.thinking).toBeUndefined();
    expect(tiny.warnings).toEqual([expect.stringContaining('minimum thinking budget')]);
  });

  it('adaptive models: Opus 4.7 → adaptive thinking shown as summaries, effort xhigh; Sonnet 4.6 → max; minimal → effort low only', () => {
    const opus = convert(responses({ input: 'hi', reasoning: { effort: 'xhigh' } }), { model: 'claude-opus-4-7-20260420' }).body;
    expect(opus.thinking).toEqual({ type: 'adaptive', display: 'summarized' });
    expect(opus.output_config).toEqual({ effort: 'xhigh' });
    const sonnet46 = convert(responses({ input: 'hi', reasoning: { effort: 'xhigh' } }), { model: 'claude-sonnet-4-6' }).body;
    expect(sonnet46.thinking).toEqual({ type: 'adaptive' });
    expect(sonnet46.output_config).toEqual({ effort: 'max' });
    const minimal = convert(responses({ input: 'hi', reasoning: { effort: 'minimal' } }), { model: 'claude-opus-4-7' }).body;
    expect(minimal.thinking).toBeUndefined();
    expect(minimal.output_config).toEqual({ effort: 'low' });
  });

  it('models without thinking (Claude 3.5) get none, with a warning', () => {
    const { body, warnings } = convert(responses({ input: 'hi', reasoning: { effort: 'high' } }), { model: 'claude-3-5-haiku-20241022' });
    expect(body.thinking).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('no extended thinking')]);
  });

  it('thinking blocks restored VERBATIM (thinking + signature, redacted data) at the start of the assistant message, before the tool_use', () => {
    const req = responses({
      tools: [weather],
      reasoning: { effort: 'high' },
      input: [user('q'), { type: 'reasoning', summary: [{ type: 'summary_text', text: 'summary Codex shows' }] }, call('call_1'), output('call_1')],
    });
    const state = anthropicReasoningState(SONNET, [
      { type: 'thinking', thinking: 'Exact thinking\nwith ünïcode.', signature: 'EqQBsig+/==' },
      { type: 'redacted_thinking', data: 'REDACTED-DATA' },
    ]);
    req.items[1] = withState(req.items[1], state);
    const { body, warnings } = convert(req, { promptCache: 'off' }, issuedFor(['Exact thinking\nwith ünïcode.', 'EqQBsig+/==']));
    expect(body.messages[1].content).toEqual([
      { type: 'thinking', thinking: 'Exact thinking\nwith ünïcode.', signature: 'EqQBsig+/==' },
      { type: 'redacted_thinking', data: 'REDACTED-DATA' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 16384 });
    expect(warnings).toEqual([]);
  });

  it('the fake refuses a thinking block whose signature was altered (so the verbatim test above means something)', () => {
    const req = responses({ tools: [weather], reasoning: { effort: 'high' }, input: [user('q'), { type: 'reasoning', summary: [] }, call('call_1'), output('call_1')] });
    req.items[1] = withState(req.items[1], thinkingState('Plan.', 'sig-altered'));
    const { body } = convertToAnthropicRequest(req, { model: SONNET });
    expect(validateAnthropicRequest(body, HEADERS, { issued: issuedFor(['Plan.', 'sig-original']) })?.message).toContain('Invalid `signature`');
  });

  it('the tool turn in progress lost its thinking block (no state) → thinking off for this request, with a warning', () => {
    const { body, warnings } = convert(
      responses({ tools: [weather], reasoning: { effort: 'high' }, input: [user('q'), { type: 'reasoning', summary: [{ type: 'summary_text', text: 's' }] }, call('call_1'), output('call_1')] }),
    );
    expect(body.thinking).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('1 reasoning item(s) not sent'), expect.stringContaining('thinking turned off for this request')]);
    // Without the fix the real API refuses it: the same request with thinking forced on.
    const forced = { ...body, thinking: { type: 'enabled', budget_tokens: 16384 } };
    expect(validateAnthropicRequest(forced, HEADERS)?.message).toContain('Expected `thinking` or `redacted_thinking`, but found `tool_use`');
  });

  it('thinking blocks written by another Claude model are left out (their signatures belong to it)', () => {
    const req = responses({ tools: [weather], reasoning: { effort: 'high' }, input: [user('q'), { type: 'reasoning', summary: [] }, call('call_1'), output('call_1')] });
    req.items[1] = withState(req.items[1], thinkingState('Plan.', 'sig-1', 'claude-opus-4-1-20250805'));
    const { body, warnings } = convert(req);
    expect(body.messages[1].content.map((b) => b.type)).toEqual(['tool_use']);
    expect(body.thinking).toBeUndefined();
    expect(warnings[0]).toContain('another Claude model');
  });

  it('a finished earlier turn without thinking does not turn thinking off (a new user message starts a new turn)', () => {
    const { body } = convert(responses({ tools: [weather], reasoning: { effort: 'medium' }, input: [user('q'), call('call_1'), output('call_1'), { role: 'assistant', content: 'done' }, user('next')] }));
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
  });

  it('Chat Completions inbound (no reasoning items) with a tool loop and reasoning_effort → thinking off with a warning', () => {
    const req = decodeChatRequest({
      model: 'claude-alias',
      reasoning_effort: 'high',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weather.parameters } }],
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
    });
    const { body, warnings } = convert(req);
    expect(body.thinking).toBeUndefined();
    expect(warnings.join('\n')).toContain('thinking turned off');
  });

  it('forced tool use turns thinking off; a changed temperature is left out with thinking on', () => {
    const forced = convert(responses({ tools: [weather], input: 'hi', reasoning: { effort: 'high' }, tool_choice: 'required' }));
    expect(forced.body.thinking).toBeUndefined();
    expect(forced.warnings).toEqual([expect.stringContaining('forced tool use')]);
    const temp = convert(responses({ input: 'hi', reasoning: { effort: 'high' }, temperature: 0.2, top_p: 0.5 }));
    expect(temp.body.temperature).toBeUndefined();
    expect(temp.body.top_p).toBeUndefined();
  });
});

describe('sampling, limits and formats', () => {
  it('max_tokens: the request’s, else the route’s max_output_tokens, else the model default (32000; 8192 for Claude 3.5, 4096 for Claude 3)', () => {
    expect(convert(responses({ input: 'hi', max_output_tokens: 1234 }), { maxOutputTokens: 5000 }).body.max_tokens).toBe(1234);
    expect(convert(responses({ input: 'hi' }), { maxOutputTokens: 5000 }).body.max_tokens).toBe(5000);
    expect(convert(responses({ input: 'hi' })).body.max_tokens).toBe(32000);
    expect(convert(responses({ input: 'hi' }), { model: 'claude-3-5-sonnet-20241022' }).body.max_tokens).toBe(8192);
    expect(convert(responses({ input: 'hi' }), { model: 'claude-3-haiku-20240307' }).body.max_tokens).toBe(4096);
  });

  it('temperature above 1 is capped; temperature with top_p keeps temperature; Opus 4.7 gets no sampling parameters', () => {
    const capped = convert(responses({ input: 'hi', temperature: 1.5 }));
    expect(capped.body.temperature).toBe(1);
    const both = convert(responses({ input: 'hi', temperature: 0.3, top_p: 0.9 }));
    expect([both.body.temperature, both.body.top_p]).toEqual([0.3, undefined]);
    const opus = convert(responses({ input: 'hi', temperature: 0.3 }), { model: 'claude-opus-4-7' });
    expect(opus.body.temperature).toBeUndefined();
    expect(opus.warnings).toEqual([expect.stringContaining('does not accept sampling parameters')]);
  });

  it('images: a data URL → a base64 source, an https URL → a url source; other media types are a 400 naming the field', () => {
    const { body } = convert(
      responses({
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'What is this?' },
              { type: 'input_image', image_url: 'data:image/jpeg;base64,/9j/4AAQ' },
              { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'auto' },
            ],
          },
        ],
      }),
      { promptCache: 'off' },
    );
    expect(body.messages[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
    ]);
    const err = (() => {
      try {
        convertToAnthropicRequest(responses({ input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:image/tiff;base64,AAAA' }] }] }), { model: SONNET });
      } catch (e) {
        return e;
      }
    })() as GatewayError;
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.param).toBe('input[0].content[0].image_url');
  });

  it('PDF files → document blocks', () => {
    const { body } = convert(
      responses({ input: [{ role: 'user', content: [{ type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' }] }] }),
      { promptCache: 'off' },
    );
    expect(body.messages[0].content[0]).toEqual({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' });
  });

  it('text.format json_schema → output_config.format (JSON outputs); json_object → a system instruction, with a warning', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    const { body } = convert(responses({ input: 'hi', text: { format: { type: 'json_schema', name: 'out', schema, strict: true } } }));
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } });
    const obj = convert(responses({ input: 'hi', text: { format: { type: 'json_object' } } }), { promptCache: 'off' });
    expect(obj.body.system).toEqual([{ type: 'text', text: JSON_OBJECT_INSTRUCTION }]);
    expect(obj.warnings).toEqual([expect.stringContaining('json_object')]);
  });

  it('stop → stop_sequences; user → metadata.user_id; seed and penalties warned about', () => {
    const req = decodeChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stop: ['END'], user: 'dev-42', seed: 7, presence_penalty: 0.5 });
    const { body, warnings } = convert(req);
    expect(body.stop_sequences).toEqual(['END']);
    expect(body.metadata).toEqual({ user_id: 'dev-42' });
    expect(warnings).toEqual([expect.stringContaining('seed'), expect.stringContaining('presence_penalty')]);
  });
});

describe('prompt-cache breakpoints', () => {
  const history = {
    instructions: 'System prompt.',
    tools: [weather, { ...weather, name: 'get_time' }],
    input: [user('q1'), call('call_1'), output('call_1'), { role: 'assistant', content: 'ok' }, user('q2')],
  };

  it('on by default: the last tool, the system prompt, the previous user message and the last message (4 at most)', () => {
    const { body } = convert(responses(history));
    expect(body.tools!.map((t) => t.cache_control)).toEqual([undefined, { type: 'ephemeral' }]);
    expect(body.system).toEqual([{ type: 'text', text: 'System prompt.', cache_control: { type: 'ephemeral' } }]);
    const marked = body.messages.flatMap((m, i) => m.content.map((b, j) => ((b as any).cache_control ? `${i}.${j}` : null))).filter(Boolean);
    // messages: 0 user q1, 1 assistant call, 2 user result, 3 assistant ok, 4 user q2
    expect(marked).toEqual(['2.0', '4.0']);
  });

  it('never on a thinking block', () => {
    const req = responses({ tools: [weather], reasoning: { effort: 'low' }, input: [user('q'), { type: 'reasoning', summary: [] }, call('call_1'), output('call_1')] });
    req.items[1] = withState(req.items[1], thinkingState('t', 's'));
    const { body } = convert(req, {}, issuedFor(['t', 's']));
    expect((body.messages[1].content[0] as any).cache_control).toBeUndefined();
  });

  it('off with the route’s prompt_cache: off', () => {
    const { body } = convert(responses(history), { promptCache: 'off' });
    expect(JSON.stringify(body)).not.toContain('cache_control');
  });
});

describe('reasoning with no answer after it', () => {
  it('thinking followed by no text or call (an interrupted turn) is left out, with a warning', () => {
    const req = responses({ input: [user('q'), { type: 'reasoning', summary: [] }, user('never mind')] });
    req.items[1] = withState(req.items[1], thinkingState('t', 's'));
    const { body, warnings } = convert(req, { promptCache: 'off' });
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'q' }, { type: 'text', text: 'never mind' }] }]);
    expect(warnings).toEqual([expect.stringContaining('no answer or tool call followed them')]);
  });
});

describe('multi-step tool loops with thinking', () => {
  it('only the first assistant message of the turn has thinking (Claude thinks once per turn without interleaving): thinking stays on', () => {
    const req = responses({
      tools: [weather],
      reasoning: { effort: 'medium' },
      input: [user('q'), { type: 'reasoning', summary: [] }, call('call_1'), output('call_1'), call('call_2', '{"city":"Oslo"}'), output('call_2')],
    });
    req.items[1] = withState(req.items[1], thinkingState('Two lookups.', 'sig-2'));
    const { body, warnings } = convert(req, {}, issuedFor(['Two lookups.', 'sig-2']));
    expect(body.messages.map((m) => [m.role, m.content.map((b) => b.type)])).toEqual([
      ['user', ['text']],
      ['assistant', ['thinking', 'tool_use']],
      ['user', ['tool_result']],
      ['assistant', ['tool_use']],
      ['user', ['tool_result']],
    ]);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
    expect(warnings).toEqual([]);
  });
});
