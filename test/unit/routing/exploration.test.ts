// Exploration: a rule's `explore` share of sessions goes to `explore_to` when the rule
// matches, and to the rule's own route just outside its input_tokens threshold — chosen
// per session (a hash of the session key and the rule index), so a session never flips.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/load-config.js';
import { decodeResponsesRequest } from '../../../src/dialects/responses/decode-request.js';
import { decideRoute } from '../../../src/routing/decide-route.js';
import { explorationDraws, sessionDraw } from '../../../src/routing/exploration.js';
import { evaluateRules } from '../../../src/routing/policy/evaluate-rules.js';
import type { PolicyContext } from '../../../src/routing/policy/policy-vocabulary.js';
import { thresholdOf, withThreshold } from '../../../src/routing/policy/threshold-of.js';
import { createRoutingState } from '../../../src/routing/routing-state.js';

const ROUTES = `routes:
  - alias: cheap
    provider: openai_compatible
    model: small
    base_url: "http://127.0.0.1:9/v1"
  - alias: strong
    provider: openai_compatible
    model: large
    base_url: "http://127.0.0.1:9/v1"
  - alias: claude
    provider: anthropic
    model: claude-sonnet-4-5
    api_key_ref: anthropic_key
`;

const CONFIG = `${ROUTES}routing_policy:
  default: strong
  rules:
    - if: "request_kind == 'compaction'"
      route_to: cheap
      shadow: true
    - if: "input_tokens < 8000"
      route_to: cheap
      explore: 0.2
      explore_to: strong
    - if: "tools_include('apply_patch') and input_tokens > 30_000"
      route_to: claude
      explore: 0.2
      explore_to: strong
      explore_band: 0.25
`;
const loaded = parseConfig(CONFIG, 'routes.yaml');

const SHARE = 0.2;
// The share of N draws explored must be within 4 standard deviations of the binomial.
const within = (explored: number, n: number, p = SHARE) => {
  const bound = 4 * Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(explored / n - p)).toBeLessThanOrEqual(bound);
};

const ctx = (input_tokens: number, tools: string[] = []): PolicyContext => ({
  input_tokens,
  model: 'auto',
  request_kind: 'turn',
  developer: '',
  team: '',
  repo: '',
  tools_count: tools.length,
  has_images: false,
  reasoning_effort: null,
  stream: true,
  tools: new Set(tools),
  headers: {},
});

// The route the rules give one turn of a session (undefined: the default applies).
const routeOf = (session: string | undefined, tokens: number, tools: string[] = []) => evaluateRules(loaded.rules, ctx(tokens, tools), explorationDraws(session)).matched;

const sessions = Array.from({ length: 2000 }, (_, i) => `019a${i.toString(16).padStart(4, '0')}-5e1c-7d30-9a44-0c2b1f${i.toString(16).padStart(6, '0')}`);
const auto = (input = 'Rename this variable.') => decodeResponsesRequest({ model: 'auto', input });

describe('exploration', () => {
  it('(a) explore 0.2 over 2,000 distinct sessions explores a share within the binomial bound', () => {
    const routing = createRoutingState({ warmUp: false });
    let explored = 0;
    for (const s of sessions) {
      const d = decideRoute({ request: auto(), headers: { 'session-id': s }, loaded, routing, sessionKey: s });
      expect(d.by).toBe('rule');
      expect(d.rule?.index).toBe(1);
      if (d.exploration) {
        explored++;
        expect(d.exploration).toBe('strong');
        expect(d.candidates[0]).toBe('strong');
      } else expect(d.candidates[0]).toBe('cheap');
    }
    within(explored, sessions.length);
  });

  it('the draw is the first 8 hex digits of sha256(session key, rule index), as a fraction', () => {
    const d = sessionDraw('session-1', 1);
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThan(1);
    expect(sessionDraw('session-1', 1)).toBe(d);
    // Another rule draws independently.
    expect(sessionDraw('session-1', 2)).not.toBe(d);
  });

  it('(b) one session gets the same route on every turn on the same side of the threshold', () => {
    const explored = sessions.filter((s) => routeOf(s, 1000)?.exploration);
    const plain = sessions.filter((s) => !routeOf(s, 1000)?.exploration);
    for (const s of [...explored.slice(0, 5), ...plain.slice(0, 5)]) {
      const first = routeOf(s, 100)?.route_to;
      expect(first).toBe(explored.includes(s) ? 'strong' : 'cheap');
      for (let turn = 0; turn < 50; turn++) {
        const tokens = 100 + ((turn * 7919) % 7800); // always < 8000
        expect(routeOf(s, tokens)?.route_to).toBe(first);
      }
      // Just above, in the band: the same answer every turn too.
      const above = routeOf(s, 8000)?.route_to;
      for (let turn = 0; turn < 50; turn++) expect(routeOf(s, 8000 + ((turn * 131) % 2000))?.route_to).toBe(above);
    }
  });

  it('(c) turns just above an input_tokens < N threshold go to the rule route at the share; beyond the band never', () => {
    let inBand = 0;
    sessions.forEach((s, i) => {
      const tokens = 8000 + (i % 2000); // 8000 ≤ tokens < 10000 = 8000·1.25
      const m = routeOf(s, tokens);
      if (m) {
        expect(m).toEqual({ index: 1, route_to: 'cheap', exploration: 'cheap' });
        inBand++;
      }
      expect(routeOf(s, 10_000 + i * 7)).toBeUndefined();
    });
    within(inBand, sessions.length);
  });

  it('(c) just below an input_tokens > N threshold (other conditions holding) go to the rule route at the share', () => {
    let inBand = 0;
    sessions.forEach((s, i) => {
      const tokens = 22_501 + ((i * 37) % 7500); // 30000·0.75 < tokens ≤ 30000
      const m = routeOf(s, tokens, ['apply_patch']);
      // Rule 1 (< 8000) is not in its band here, so rule 2 decides.
      if (m) {
        expect(m).toEqual({ index: 2, route_to: 'claude', exploration: 'claude' });
        inBand++;
      }
      // The other conjunct fails: never explored.
      expect(routeOf(s, tokens, ['exec_command'])).toBeUndefined();
      // Below the band: never.
      expect(routeOf(s, 10_000 + (i % 12_000), ['apply_patch'])).toBeUndefined();
    });
    within(inBand, sessions.length);
    // Above the threshold the rule matches; its explored sessions go to explore_to.
    const above = sessions.map((s) => routeOf(s, 45_000, ['apply_patch'])!);
    expect(above.every((m) => m.index === 2 && (m.route_to === 'claude') === (m.exploration === undefined))).toBe(true);
    within(above.filter((m) => m.exploration === 'strong').length, sessions.length);
  });

  it('(d) with no session key each request draws afresh, still at about the share', () => {
    const routing = createRoutingState({ warmUp: false });
    let explored = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const d = decideRoute({ request: auto(), headers: {}, loaded, routing });
      if (d.exploration === 'strong') explored++;
    }
    within(explored, n);
  });

  it('shadow rules are unaffected: recorded as before, never explored', () => {
    const shadowed = parseConfig(
      `${ROUTES}routing_policy:\n  default: strong\n  rules:\n    - if: "input_tokens < 8000"\n      route_to: cheap\n      shadow: true\n      explore: 1\n      explore_to: claude\n`,
      'routes.yaml',
    );
    expect(shadowed.warnings).toContain('routes.yaml:20: routing_policy.rules[0].explore: a shadow rule is never applied, so it never explores');
    const routing = createRoutingState({ warmUp: false });
    const d = decideRoute({ request: auto(), headers: {}, loaded: shadowed, routing, sessionKey: 's' });
    expect(d).toMatchObject({ by: 'default', candidates: ['strong'], shadow: [{ index: 0, route_to: 'cheap' }] });
    expect(d.exploration).toBeUndefined();
    // A compaction turn records the shadow rule in the main config, explored or not.
    const c = decideRoute({ request: auto(), headers: { 'x-openai-subagent': 'compact' }, loaded, routing, sessionKey: sessions[0] });
    expect(c.shadow).toEqual([{ index: 0, expression: "request_kind == 'compaction'", route_to: 'cheap' }]);
  });

  it('stickiness: an explored session that was served by the explored alias stays on it; another family is not switched to', () => {
    const routing = createRoutingState({ warmUp: false });
    const s = sessions.find((x) => routeOf(x, 100)?.exploration)!;
    const first = decideRoute({ request: auto(), headers: {}, loaded, routing, sessionKey: s });
    expect(first).toMatchObject({ by: 'rule', exploration: 'strong', candidates: ['strong'] });
    routing.sessions.set(s, 'strong'); // what open-turn records: the alias that served it
    for (let i = 0; i < 5; i++) expect(decideRoute({ request: auto(`turn ${i}`), headers: {}, loaded, routing, sessionKey: s })).toMatchObject({ by: 'rule', exploration: 'strong' });

    // A session already on another family keeps it: the explored alias is not used, nor tagged.
    const t = sessions.filter((x) => routeOf(x, 100)?.exploration)[1];
    routing.sessions.set(t, 'claude');
    const kept = decideRoute({ request: auto(), headers: {}, loaded, routing, sessionKey: t });
    expect(kept).toMatchObject({ by: 'sticky', stickyOverrode: 'strong', candidates: ['claude', 'strong'] });
    expect(kept.exploration).toBeUndefined();
  });

  it('an explicit alias is never explored', () => {
    const routing = createRoutingState({ warmUp: false });
    for (const s of sessions.slice(0, 200)) {
      const d = decideRoute({ request: decodeResponsesRequest({ model: 'cheap', input: 'hi' }), headers: {}, loaded, routing, sessionKey: s });
      expect(d).toMatchObject({ by: 'alias', candidates: ['cheap'] });
      expect(d.exploration).toBeUndefined();
    }
  });
});

describe('exploration config', () => {
  function refusal(rule: string): ConfigError {
    try {
      parseConfig(`${ROUTES}routing_policy:\n  default: strong\n  rules:\n    - if: "input_tokens < 8000"\n      route_to: cheap\n${rule}`, 'routes.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return err as ConfigError;
    }
    throw new Error('the config was accepted');
  }

  it('(e) refuses explore_to naming an unknown alias, with file:line', () => {
    const err = refusal('      explore: 0.1\n      explore_to: gpt-9\n');
    expect(err.message).toBe('routes.yaml:20: routing_policy.rules[0].explore_to: no route has the alias "gpt-9" (aliases: cheap, strong, claude)');
  });

  it('(e) refuses explore outside [0, 1], with file:line', () => {
    expect(refusal('      explore: 1.5\n      explore_to: strong\n').message).toBe('routes.yaml:19: routing_policy.rules[0].explore: must be <= 1');
    expect(refusal('      explore: -0.1\n      explore_to: strong\n').message).toBe('routes.yaml:19: routing_policy.rules[0].explore: must be >= 0');
    expect(refusal('      explore: "lots"\n      explore_to: strong\n').message).toBe('routes.yaml:19: routing_policy.rules[0].explore: must be number');
  });

  it('(e) refuses explore without explore_to, explore_to without explore, and explore_band alone', () => {
    expect(refusal('      explore: 0.1\n').message).toBe('routes.yaml:19: routing_policy.rules[0].explore needs explore_to: the alias explored turns go to');
    expect(refusal('      explore_to: strong\n').message).toBe('routes.yaml:19: routing_policy.rules[0].explore_to needs explore: the share of sessions explored, e.g. 0.05');
    expect(refusal('      explore_band: 0.5\n').message).toBe('routes.yaml:19: routing_policy.rules[0].explore_band needs explore and explore_to');
    expect(refusal('      explore: 0.1\n      explore_to: strong\n      explore_band: 0\n').message).toBe('routes.yaml:21: routing_policy.rules[0].explore_band: must be > 0');
  });

  it('compiles the threshold and the default band of 0.25; warns when explore_band cannot apply', () => {
    expect(loaded.rules[1].explore).toEqual({ share: 0.2, to: 'strong', band: 0.25, threshold: { op: '<', value: 8000 } });
    expect(loaded.rules[2].explore).toEqual({ share: 0.2, to: 'strong', band: 0.25, threshold: { op: '>', value: 30000 } });
    expect(loaded.warnings).toEqual([]);
    const noThreshold = parseConfig(
      `${ROUTES}routing_policy:\n  default: strong\n  rules:\n    - if: "has_images"\n      route_to: cheap\n      explore: 0.1\n      explore_to: strong\n      explore_band: 0.5\n`,
      'routes.yaml',
    );
    expect(noThreshold.rules[0].explore).toEqual({ share: 0.1, to: 'strong', band: 0.5 });
    expect(noThreshold.warnings).toEqual([
      "routes.yaml:21: routing_policy.rules[0].explore_band: the condition has no single input_tokens threshold joined by 'and', so only explore_to is explored",
    ]);
  });
});

describe('thresholdOf / withThreshold', () => {
  it('(f) reads the threshold of input_tokens < 8000', () => {
    expect(thresholdOf('input_tokens < 8000')).toEqual({ op: '<', value: 8000 });
    expect(withThreshold('input_tokens < 8000', 12000)).toBe('input_tokens < 12000');
  });

  it('(f) reads input_tokens >= 30_000 (digit groups) and rewrites only the number', () => {
    expect(thresholdOf('input_tokens >= 30_000')).toEqual({ op: '>=', value: 30000 });
    expect(withThreshold('input_tokens >= 30_000', 25000)).toBe('input_tokens >= 25_000');
  });

  it("(f) reads tools_include('apply_patch') and input_tokens > 30000, keeping the rest byte-identical", () => {
    expect(thresholdOf("tools_include('apply_patch') and input_tokens > 30000")).toEqual({ op: '>', value: 30000 });
    expect(withThreshold("tools_include('apply_patch') and input_tokens > 30_000", 32000)).toBe("tools_include('apply_patch') and input_tokens > 32_000");
    expect(withThreshold("  tools_include('apply_patch')  and   input_tokens>30000 and not has_images", 32000)).toBe(
      "  tools_include('apply_patch')  and   input_tokens>32000 and not has_images",
    );
    // A literal on the left is read the other way round.
    expect(thresholdOf('8000 > input_tokens and stream')).toEqual({ op: '<', value: 8000 });
    expect(withThreshold('8000 > input_tokens and stream', 9000)).toBe('9000 > input_tokens and stream');
  });

  it('(f) has none under or, with two thresholds, or with no threshold', () => {
    expect(thresholdOf('input_tokens < 8000 or has_images')).toBeUndefined();
    expect(thresholdOf('input_tokens > 1000 and input_tokens < 8000')).toBeUndefined();
    expect(thresholdOf("request_kind == 'compaction'")).toBeUndefined();
    expect(thresholdOf('not input_tokens < 8000')).toBeUndefined();
    expect(thresholdOf('input_tokens != 0')).toBeUndefined();
    expect(thresholdOf('input_tokens < tools_count')).toBeUndefined();
    expect(() => withThreshold('input_tokens < 8000 or has_images', 9000)).toThrow(/no single input_tokens threshold/);
    expect(() => withThreshold('input_tokens < 8000', -1)).toThrow(/plain non-negative number/);
    expect(() => withThreshold('input_tokens < 8000', 1e21)).toThrow(/plain non-negative number/);
  });
});
