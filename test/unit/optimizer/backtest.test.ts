import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { backtestPolicy, renderBacktest } from '../../../optimizer/backtest.js';
import { optimizeRoutingPolicy } from '../../../optimizer/optimize-routing-policy.js';
import { CHEAP_COST, SINCE, STRONG_COST, UNTIL, routesYaml, syntheticTurns, twoRoutes } from '../../support/synthetic-turns.js';

const config = (threshold: number) => parseConfig(routesYaml({ default: 'strong', rules: [{ if: `input_tokens < ${threshold}`, route_to: 'cheap' }] }), 'config/routes.yaml');
const turns = syntheticTurns({ seed: 7, count: 6000, since: SINCE, until: UNTIL, routes: twoRoutes((t) => (t < 12_000 ? 0.9 : 0.55)), policy: (t) => (t < 8000 ? 'cheap' : 'strong') });
const between = (lo: number, hi: number) => turns.filter((t) => t.usage!.inputTokens >= lo && t.usage!.inputTokens < hi).length;

describe('backtestPolicy', () => {
  it("the optimizer's 8000 → 12000 proposal: cost falls by moved × $0.009 (to 1e-9), quality delta within ±0.01", () => {
    const result = optimizeRoutingPolicy({ loaded: config(8000), turns, since: SINCE, until: UNTIL });
    const newExpression = result.proposals[0].newExpression!;
    const proposed = parseConfig(routesYaml({ default: 'strong', rules: [{ if: newExpression, route_to: 'cheap' }] }), 'config/routes.yaml');
    const bt = backtestPolicy({ current: config(8000), proposed, turns });
    const moved = between(8000, 12_000);
    expect(bt).toMatchObject({ turns: 6000, changed: moved, withEvidence: moved, withoutEvidence: 0 });
    expect(bt.costDeltaUsd).toBeCloseTo(-moved * (STRONG_COST - CHEAP_COST), 9);
    expect(bt.costAfterUsd).toBeLessThan(bt.costBeforeUsd);
    expect(Math.abs(bt.qualityDelta!)).toBeLessThan(0.01);
    expect(bt.perRule).toEqual([expect.objectContaining({ ruleIndex: 0, expression: 'input_tokens < 8000', proposedExpression: 'input_tokens < 12000', changed: moved })]);
  });

  it('a bad threshold (20000) shows a large quality loss: ≈ −0.35 × 8/30 ≈ −0.093 (within ±0.02)', () => {
    const bt = backtestPolicy({ current: config(8000), proposed: config(20_000), turns });
    expect(bt.changed).toBe(between(8000, 20_000));
    expect(bt.qualityDelta!).toBeLessThan(-0.05);
    expect(bt.qualityDelta!).toBeGreaterThan(-0.113);
    expect(bt.qualityDelta!).toBeLessThan(-0.073);
    expect(bt.costDeltaUsd).toBeCloseTo(-between(8000, 20_000) * (STRONG_COST - CHEAP_COST), 9);
  });

  it('the same policy changes nothing; explicit aliases keep their route; turns without evidence are counted', () => {
    expect(backtestPolicy({ current: config(8000), proposed: config(8000), turns })).toMatchObject({ changed: 0, costDeltaUsd: 0, qualityDelta: 0 });
    const explicit = turns.map((t) => ({ ...t, route: { ...t.route, by: 'alias' } }));
    expect(backtestPolicy({ current: config(8000), proposed: config(12_000), turns: explicit }).changed).toBe(0);
    // Only strong turns recorded above 8k: moving 8k–12k to cheap has no evidence there.
    const strongOnly = turns.filter((t) => t.usage!.inputTokens < 8000 || t.route.alias === 'strong');
    const bt = backtestPolicy({ current: config(8000), proposed: config(12_000), turns: strongOnly });
    expect(bt.changed).toBe(strongOnly.filter((t) => t.usage!.inputTokens >= 8000 && t.usage!.inputTokens < 12_000).length);
    expect(bt.withoutEvidence).toBe(bt.changed);
    expect(bt.costDeltaUsd).toBe(0);
  });

  it('renders a short table', () => {
    const text = renderBacktest(backtestPolicy({ current: config(8000), proposed: config(12_000), turns }));
    expect(text).toContain('| | before | after | delta |');
    expect(text).toMatch(/\| cost \| \$\d+\.\d{4} \| \$\d+\.\d{4} \| -\$\d+\.\d{4} \|/);
    expect(text).toMatch(/6000 turns replayed; \d+ change route/);
    expect(text).toContain('| 0 | `input_tokens < 8000` | `input_tokens < 12000` |');
  });
});
