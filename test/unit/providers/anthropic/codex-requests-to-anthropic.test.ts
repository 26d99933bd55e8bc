// Every request the real Codex CLI 0.169.0 sent (test/fixtures/codex/*-request.json),
// converted for an Anthropic route, must be a request the Messages API accepts (checked by
// the fake upstream's validator), with and without thinking.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { decodeResponsesRequest } from '../../../../src/dialects/responses/decode-request.js';
import { convertToAnthropicRequest } from '../../../../src/providers/anthropic/convert-to-anthropic-request.js';
import { FIXTURES_DIR, readCodexRequest } from '../../../support/fixtures.js';
import { validateAnthropicRequest } from '../../../support/fake-anthropic-upstream.js';

const captures = readdirSync(`${FIXTURES_DIR}/codex`).filter((f) => f.endsWith('-request.json'));

describe('Codex captures → Anthropic requests the real API would accept', () => {
  it.each(captures)('%s', (file) => {
    const { body } = readCodexRequest(file);
    for (const model of ['claude-sonnet-4-5-20250929', 'claude-opus-4-7-20260420']) {
      for (const effort of [undefined, 'high']) {
        const req = decodeResponsesRequest({ ...body, reasoning: effort ? { effort, summary: 'auto' } : body.reasoning });
        const out = convertToAnthropicRequest(req, { model });
        expect(validateAnthropicRequest(out.body, { 'anthropic-version': '2023-06-01' })).toBeNull();
        // Codex's system prompt is its first developer message; nothing of it stays in messages.
        expect(out.body.system?.[0].text).toContain(body.input[0].content[0].text.slice(0, 40));
        expect(out.body.messages[0].role).toBe('user');
        // Hosted tools were removed by the decoder; every remaining name is valid for Anthropic.
        for (const t of out.body.tools ?? []) expect(t.name).toMatch(/^[a-zA-Z0-9_-]{1,128}$/);
      }
    }
  });

  it('turn2-request.json: the exec_command call and its output become one assistant + one user message at the end', () => {
    const req = decodeResponsesRequest(readCodexRequest('turn2-request.json').body);
    const { body } = convertToAnthropicRequest(req, { model: 'claude-sonnet-4-5-20250929' });
    const [assistant, result] = body.messages.slice(-2);
    expect(assistant.role).toBe('assistant');
    expect(assistant.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'exec_command' });
    expect(result.role).toBe('user');
    expect(result.content[0].type).toBe('tool_result');
  });

  it('compaction-request.json (tools: []) declares the history tools with tool_choice none', () => {
    const req = decodeResponsesRequest(readCodexRequest('compaction-request.json').body);
    const { body } = convertToAnthropicRequest(req, { model: 'claude-sonnet-4-5-20250929' });
    expect(body.messages.some((m) => m.content.some((b) => b.type === 'tool_use'))).toBe(true);
    expect(body.tools!.map((t) => t.name)).toEqual(['exec_command']);
    expect(body.tool_choice).toEqual({ type: 'none' });
  });

  it('apply-patch-catalog-turn1-request.json: apply_patch goes out as a one-string-parameter function', () => {
    const req = decodeResponsesRequest(readCodexRequest('apply-patch-catalog-turn1-request.json').body);
    const { body } = convertToAnthropicRequest(req, { model: 'claude-sonnet-4-5-20250929' });
    const tool = body.tools!.find((t) => t.name === 'apply_patch')!;
    expect(tool.input_schema).toMatchObject({ properties: { input: { type: 'string' } }, required: ['input'] });
    expect(tool.description).toContain('```lark');
  });

  it('output-schema-request.json: --output-schema becomes output_config.format', () => {
    const req = decodeResponsesRequest(readCodexRequest('output-schema-request.json').body);
    const { body } = convertToAnthropicRequest(req, { model: 'claude-sonnet-4-5-20250929' });
    expect(body.output_config?.format).toEqual({ type: 'json_schema', schema: expect.objectContaining({ required: ['answer'] }) });
  });
});
