// The seed's routing promise: short turns to the cheap model, long apply_patch turns to
// the flagship, explicit aliases untouched, shadow rules recorded but never applied.
import { describe, expect, it } from 'vitest';
import type { Request } from '../../../src/canonical/types.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { decodeResponsesRequest } from '../../../src/dialects/responses/decode-request.js';
import { decideRoute } from '../../../src/routing/decide-route.js';
import { createRoutingState } from '../../../src/routing/routing-state.js';
import { GatewayError } from '../../../src/http/errors.js';
import { readCodexRequest } from '../../support/fixtures.js';
import { inputWindow } from '../../../src/routing/decide-route.js';
import { loadPriceCard } from '../../../src/pricing/load-price-card.js';

// The seed's routes and both seed rules, plus a shadow rule.
const SEED_FULL = `routes:
  - alias: "claude-opus-4-7-via-gateway"
    provider: "anthropic"
    model: "claude-opus-4-7-20260420"
    api_key_ref: "anthropic_team_key"
    translation: "openai_responses_v1"
  - alias: "gemini-2.5-pro-via-gateway"
    provider: "google"
    model: "gemini-2.5-pro"
    api_key_ref: "gemini_key"
  - alias: "gpt-5.1"
    provider: "openai"
    model: "gpt-5.1"
    api_key_ref: "openai_api_key"
  - alias: "small-window"
    provider: "openai_compatible"
    model: "local"
    base_url: "http://127.0.0.1:9/v1"
    max_input_tokens: 1000
    fallbacks: ["gemini-2.5-pro-via-gateway"]
  - alias: "tiny-window"
    provider: "openai_compatible"
    model: "local"
    base_url: "http://127.0.0.1:9/v1"
    max_input_tokens: 500
    fallbacks: ["small-window"]
routing_policy:
  default: "gpt-5.1"
  rules:
    - if: "request_kind == 'compaction'"
      route_to: "gemini-2.5-pro-via-gateway"
      shadow: true
    - if: "input_tokens < 8000"
      route_to: "gemini-2.5-pro-via-gateway"
    - if: "tools_include('apply_patch') and input_tokens > 30000"
      route_to: "claude-opus-4-7-via-gateway"
`;
const loaded = parseConfig(SEED_FULL, 'routes.yaml');

function decide(request: Request, headers: Record<string, string> = {}, routing = createRoutingState({ warmUp: false }), sessionKey?: string) {
  return decideRoute({ request, headers, loaded, routing, sessionKey });
}

// A Codex apply_patch turn grown past `tokens` by repeating distinct history.
function longApplyPatchTurn(tokens: number): Request {
  const body = structuredClone(readCodexRequest('apply-patch-catalog-turn2-request.json').body);
  body.model = 'gpt-5.1';
  // ~9 tokens per repetition of the sentence, plus the capture's own ~9k.
  for (let added = 0, i = 0; added < tokens; i++, added += 40 * 9) {
    body.input.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: `Step ${i}: ${'refactor the payment module and keep its tests green; '.repeat(40)}` }] });
  }
  return decodeResponsesRequest(body);
}

describe('route decision on the seed config', () => {
  it('(a) a short request to the default goes to the input_tokens < 8000 target', () => {
    const d = decide(decodeResponsesRequest({ model: 'gpt-5.1', input: 'Rename this variable.' }));
    expect(d.candidates[0]).toBe('gemini-2.5-pro-via-gateway');
    expect(d).toMatchObject({ by: 'rule', rule: { index: 1, expression: 'input_tokens < 8000' } });
    expect(d.estimate.tokens).toBeGreaterThan(0);
    expect(d.estimate.tokens).toBeLessThan(100);
  });

  it('also routes `auto` and an absent model by the rules', () => {
    expect(decide(decodeResponsesRequest({ model: 'auto', input: 'hi' })).candidates[0]).toBe('gemini-2.5-pro-via-gateway');
    expect(decide(decodeResponsesRequest({ input: 'hi' })).candidates[0]).toBe('gemini-2.5-pro-via-gateway');
  });

  it('(b) an apply_patch request over 30k tokens goes to the Claude alias', () => {
    const d = decide(longApplyPatchTurn(32_000));
    expect(d.estimate.tokens).toBeGreaterThan(30_000);
    expect(d.candidates[0]).toBe('claude-opus-4-7-via-gateway');
    expect(d.rule).toEqual({ index: 2, expression: "tools_include('apply_patch') and input_tokens > 30000" });
  });

  it('a request between the thresholds falls to the default', () => {
    const d = decide(longApplyPatchTurn(12_000));
    expect(d).toMatchObject({ by: 'default', candidates: ['gpt-5.1'] });
  });

  it('(c) an explicit alias goes to itself, rules not consulted', () => {
    const d = decide(decodeResponsesRequest({ model: 'claude-opus-4-7-via-gateway', input: 'hi' }));
    expect(d).toMatchObject({ by: 'alias', candidates: ['claude-opus-4-7-via-gateway'], shadow: [] });
  });

  it('(d) a matching shadow rule changes nothing but is recorded', () => {
    const compaction = { 'x-codex-turn-metadata': JSON.stringify({ request_kind: 'compaction' }) };
    const request = decodeResponsesRequest({ model: 'gpt-5.1', input: 'Summarise the conversation.' });
    const withShadow = decide(request, compaction);
    const without = decide(request);
    expect(withShadow.candidates).toEqual(without.candidates);
    expect(withShadow.shadow).toEqual([{ index: 0, expression: "request_kind == 'compaction'", route_to: 'gemini-2.5-pro-via-gateway' }]);
    expect(without.shadow).toEqual([]);
  });

  it('skips a route whose window the estimate exceeds for its fallback', () => {
    const d = decide({ ...longApplyPatchTurn(2_000), model: 'small-window' });
    expect(d.candidates).toEqual(['gemini-2.5-pro-via-gateway']);
    expect(d.overWindow).toEqual([{ alias: 'small-window', limit: 1000, tokens: expect.any(Number) }]);
  });

  it('refuses with context_length_exceeded when no route fits, before any upstream call', () => {
    const err = (() => {
      try {
        decide({ ...longApplyPatchTurn(2_000), model: 'tiny-window' });
      } catch (e) {
        return e as GatewayError;
      }
    })();
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'input' });
    expect(err!.message).toMatch(/the route "tiny-window" accepts at most 500, and no fallback fits \(small-window: 1000\)/);
  });

  it('keeps a session on its provider family; the policy’s choice stays next in line', () => {
    const routing = createRoutingState({ warmUp: false });
    // Turn 1: short → Gemini, remembered for the session (the pipeline records it on success).
    const first = decide(decodeResponsesRequest({ model: 'gpt-5.1', input: 'hi' }), {}, routing, 'sess-1');
    expect(first.candidates[0]).toBe('gemini-2.5-pro-via-gateway');
    routing.sessions.set('sess-1', 'gemini-2.5-pro-via-gateway');
    // Turn 2 has grown past 8k: the rules say the default (OpenAI); the session stays on
    // Gemini, and OpenAI is tried only if Gemini is unavailable.
    const second = decide(longApplyPatchTurn(12_000), {}, routing, 'sess-1');
    expect(second).toMatchObject({ by: 'sticky', stickyOverrode: 'gpt-5.1', candidates: ['gemini-2.5-pro-via-gateway', 'gpt-5.1'] });
    // Another session is not affected; an explicit alias is never overridden.
    expect(decide(longApplyPatchTurn(12_000), {}, routing, 'sess-other').candidates[0]).toBe('gpt-5.1');
    expect(decide({ ...longApplyPatchTurn(12_000), model: 'claude-opus-4-7-via-gateway' }, {}, routing, 'sess-1').candidates).toEqual(['claude-opus-4-7-via-gateway']);
  });

  it('a second turn of the same session counts only the new items', () => {
    const routing = createRoutingState({ warmUp: false });
    const turn = longApplyPatchTurn(20_000);
    const cold = decide(turn, {}, routing, 'sess-2');
    const next = { ...turn, items: [...turn.items, { type: 'message' as const, role: 'user' as const, content: [{ type: 'text' as const, text: 'and now the docs' }] }] };
    const warm = decide(next, {}, routing, 'sess-2');
    expect(warm.estimate.newItems).toBe(1);
    expect(warm.estimate.cachedItems).toBe(cold.estimate.newItems);
    expect(warm.estimate.tokens).toBeGreaterThan(cold.estimate.tokens);
  });

  it('a route’s window: its own max_input_tokens, else a known input limit, else the price card’s context window', () => {
    const prices = loadPriceCard();
    const route = { alias: 'ds', provider: 'openai_compatible' as const, model: 'deepseek-chat', base_url: 'http://127.0.0.1:9/v1' };
    // Not in the input-limit table; the price card knows deepseek-chat's window.
    expect(inputWindow(route)).toBeUndefined();
    expect(inputWindow(route, prices)).toBe(64_000);
    expect(inputWindow({ ...route, max_input_tokens: 5000 }, prices)).toBe(5000);
    expect(inputWindow({ ...route, model: 'claude-opus-4-7-20260420', provider: 'anthropic' }, prices)).toBe(200_000);
  });
});
