// Round trip of the real Codex CLI requests (test/fixtures/codex/*-request.json):
// decodeResponsesRequest → convertToResponsesRequest gives back the body Codex sent,
// except for the differences convert-to-responses-request.ts documents.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Request } from '../../../../src/canonical/types.js';
import { decodeResponsesRequest } from '../../../../src/dialects/responses/decode-request.js';
import {
  convertToResponsesRequest,
  responsesRequestWarnings,
} from '../../../../src/providers/openai/convert-to-responses-request.js';
import { fixturePath, readCodexRequest } from '../../../support/fixtures.js';

const captures = readdirSync(fixturePath('codex')).filter((f) => f.endsWith('-request.json'));
const HOSTED = new Set(['web_search', 'tool_search']);

// The original body with the documented differences applied.
function expectedUpstreamBody(body: any, model: string): any {
  const { client_metadata: _bookkeeping, ...rest } = body;
  return {
    ...rest,
    model,
    stream: true,
    tools: body.tools.filter((t: any) => !HOSTED.has(t.type)),
    input: body.input.map((item: any) => {
      const { status: _status, ...kept } = item;
      if (kept.type === 'reasoning' && kept.content === null) delete kept.content;
      return kept;
    }),
  };
}

describe('convertToResponsesRequest: Codex captures round-trip through the canonical model', () => {
  it.each(captures)('%s', (name) => {
    const body = readCodexRequest(name).body;
    const upstream = convertToResponsesRequest(decodeResponsesRequest(body), { model: 'gpt-5.1-codex' });
    expect(upstream).toStrictEqual(expectedUpstreamBody(body, 'gpt-5.1-codex'));
  });

  it('regroups the multi_agent_v1 namespace in its original place', () => {
    const body = readCodexRequest('turn1-request.json').body;
    const tools = convertToResponsesRequest(decodeResponsesRequest(body), { model: 'x' }).tools as any[];
    expect(tools.map((t) => t.name)).toEqual(['exec_command', 'write_stdin', 'request_user_input', 'view_image', 'multi_agent_v1', 'get_goal', 'create_goal', 'update_goal']);
    expect(tools[4]).toEqual(body.tools[4]);
  });

  it('keeps apply_patch a custom tool with its grammar', () => {
    const body = readCodexRequest('gpt-5.5-turn1-request.json').body;
    const tools = convertToResponsesRequest(decodeResponsesRequest(body), { model: 'x' }).tools as any[];
    expect(tools.find((t) => t.name === 'apply_patch')).toEqual(body.tools.find((t: any) => t.name === 'apply_patch'));
  });

  it('echoes the reasoning item and its encrypted_content verbatim', () => {
    const body = readCodexRequest('reasoning-turn2-request.json').body;
    const input = convertToResponsesRequest(decodeResponsesRequest(body), { model: 'x' }).input as any[];
    expect(input[4]).toEqual({
      type: 'reasoning',
      id: 'rs_fake_1_0',
      summary: [{ type: 'summary_text', text: '**Planning**\n\nI will run the requested command.' }],
      encrypted_content: 'fake-encrypted-rs_fake_1_0',
    });
  });
});

describe('convertToResponsesRequest: canonical requests from elsewhere', () => {
  const base: Request = { model: 'alias', items: [], tools: [], stream: false, removedTools: [], warnings: [] };

  it('always streams, even for a non-streaming client; sends tools: [] and no absent fields', () => {
    expect(convertToResponsesRequest({ ...base, items: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'hi' }] }] }, { model: 'gpt-5' })).toEqual({
      model: 'gpt-5',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      tools: [],
      stream: true,
    });
  });

  it('maps every request field', () => {
    const body = convertToResponsesRequest(
      {
        ...base,
        instructions: 'Be brief.',
        toolChoice: { type: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1' },
        parallelToolCalls: false,
        reasoning: { effort: 'high', summary: 'detailed' },
        responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
        verbosity: 'low',
        maxOutputTokens: 500,
        temperature: 0.2,
        topP: 0.9,
        store: true,
        include: ['reasoning.encrypted_content'],
        promptCacheKey: 'thread-1',
        metadata: { a: 'b' },
        user: 'dev-1',
      },
      { model: 'gpt-5' },
    );
    expect(body).toEqual({
      model: 'gpt-5',
      instructions: 'Be brief.',
      input: [],
      tools: [],
      tool_choice: { type: 'function', name: 'spawn_agent' },
      parallel_tool_calls: false,
      reasoning: { effort: 'high', summary: 'detailed' },
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true }, verbosity: 'low' },
      max_output_tokens: 500,
      temperature: 0.2,
      top_p: 0.9,
      stream: true,
      store: true,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'thread-1',
      metadata: { a: 'b' },
      user: 'dev-1',
    });
  });

  it('content parts: images default to detail auto, files, tool outputs as parts, assistant refusals', () => {
    const body = convertToResponsesRequest(
      {
        ...base,
        items: [
          {
            type: 'message',
            role: 'user',
            content: [
              { type: 'image', url: 'https://x/y.png' },
              { type: 'file', fileData: 'data:application/pdf;base64,AAA', filename: 'a.pdf' },
            ],
          },
          { type: 'message', role: 'assistant', content: [{ type: 'refusal', text: 'no' }], phase: 'final_answer' },
          { type: 'function_call', callId: 'c1', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{}' },
          { type: 'function_call_output', callId: 'c1', output: [{ type: 'text', text: 'ok' }] },
        ],
      },
      { model: 'gpt-5' },
    );
    expect(body.input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_image', image_url: 'https://x/y.png', detail: 'auto' },
          { type: 'input_file', file_data: 'data:application/pdf;base64,AAA', filename: 'a.pdf' },
        ],
      },
      { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }], phase: 'final_answer' },
      { type: 'function_call', call_id: 'c1', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'ok' }] },
    ]);
  });

  it('leaves out reasoning items OpenAI could not resolve, and says so', () => {
    const req: Request = {
      ...base,
      store: false,
      items: [
        { type: 'reasoning', id: 'rs_bare', summary: ['s'] },
        { type: 'reasoning', summary: [], content: ['raw thinking'] },
        { type: 'reasoning', id: 'rs_ok', summary: [], encryptedContent: 'enc' },
      ],
    };
    expect(convertToResponsesRequest(req, { model: 'gpt-5' }).input).toEqual([
      { type: 'reasoning', id: 'rs_ok', summary: [], encrypted_content: 'enc' },
    ]);
    expect(responsesRequestWarnings(req)).toEqual([
      'left out 2 reasoning item(s) without encrypted_content: OpenAI cannot resolve them with store: false',
    ]);
    // With store: true OpenAI looks a reasoning item up by id.
    expect(convertToResponsesRequest({ ...req, store: true }, { model: 'gpt-5' }).input).toHaveLength(2);
  });

  it('lists the Chat Completions knobs the Responses API lacks', () => {
    expect(responsesRequestWarnings({ ...base, stop: ['\n'], seed: 1, presencePenalty: 0.1, frequencyPenalty: 0.2 })).toEqual([
      'stop ignored: the OpenAI Responses API has no such parameter',
      'seed ignored: the OpenAI Responses API has no such parameter',
      'presence_penalty ignored: the OpenAI Responses API has no such parameter',
      'frequency_penalty ignored: the OpenAI Responses API has no such parameter',
    ]);
  });
});
