import { describe, expect, it } from 'vitest';
import { decodeResponsesRequest } from '../../../../src/dialects/responses/decode-request.js';
import { buildPolicyContext, policyToolNames, requestKind } from '../../../../src/routing/policy/build-policy-context.js';
import { compilePolicyExpression } from '../../../../src/routing/policy/compile-policy-expression.js';
import { readCodexRequest } from '../../../support/fixtures.js';

// Replays the Codex CLI 0.169 captures (test/fixtures/codex/README.md).
function capture(name: string) {
  const { headers, body } = readCodexRequest(name);
  return { headers, request: decodeResponsesRequest(body) };
}

describe('buildPolicyContext from real Codex requests', () => {
  it('turn2-request.json: a streamed turn with function and namespace tools and a removed web_search', () => {
    const { headers, request } = capture('turn2-request.json');
    const c = buildPolicyContext({ request, headers, inputTokens: 7468, identity: { developer: 'dev1@example.com', team: 'payments' } });
    expect(c).toMatchObject({
      input_tokens: 7468,
      model: 'fake-model',
      request_kind: 'turn',
      developer: 'dev1@example.com',
      team: 'payments',
      repo: '',
      has_images: false,
      reasoning_effort: null,
      stream: true,
    });
    expect(c.tools_count).toBe(request.tools.length + 1);
    for (const name of ['exec_command', 'web_search', 'multi_agent_v1', 'spawn_agent', 'multi_agent_v1.spawn_agent', 'multi_agent_v1__spawn_agent']) {
      expect(c.tools.has(name), name).toBe(true);
    }
    expect(compilePolicyExpression("tools_include('multi_agent_v1.spawn_agent') and header('Session-Id') != ''").evaluate(c)).toBe(true);
  });

  it('compaction-request.json is a compaction', () => {
    const { headers, request } = capture('compaction-request.json');
    expect(buildPolicyContext({ request, headers, inputTokens: 1 }).request_kind).toBe('compaction');
  });

  it('image-input-request.json has images; apply-patch-catalog-turn1-request.json offers apply_patch', () => {
    const img = capture('image-input-request.json');
    expect(buildPolicyContext({ ...img, inputTokens: 1 }).has_images).toBe(true);
    const patch = capture('apply-patch-catalog-turn1-request.json');
    expect(buildPolicyContext({ ...patch, inputTokens: 1 }).tools.has('apply_patch')).toBe(true);
  });
});

describe('requestKind', () => {
  it('prefers the sub-agent label, reporting compact as compaction', () => {
    expect(requestKind({ 'x-openai-subagent': 'review', 'x-codex-turn-metadata': '{"request_kind":"turn"}' })).toBe('review');
    expect(requestKind({ 'x-openai-subagent': 'compact' })).toBe('compaction');
    expect(requestKind({ 'x-codex-turn-metadata': '{"request_kind":"prewarm"}' })).toBe('prewarm');
  });

  it('is a turn without the headers or with unreadable metadata', () => {
    expect(requestKind({})).toBe('turn');
    expect(requestKind({ 'x-codex-turn-metadata': 'not json' })).toBe('turn');
  });
});

describe('policyToolNames', () => {
  it('names custom tools and namespaced functions every way a rule may spell them', () => {
    const names = policyToolNames(
      [
        { type: 'custom', name: 'apply_patch' },
        { type: 'function', name: 'wait', namespace: 'agents', parameters: {} },
      ],
      ['web_search'],
    );
    expect([...names].sort()).toEqual(['agents', 'agents.wait', 'agents__wait', 'apply_patch', 'wait', 'web_search']);
  });
});
