import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { optimizeRoutingPolicy } from '../../../optimizer/optimize-routing-policy.js';
import { proposalFileStem, renderProposalMarkdown } from '../../../optimizer/render-proposal-markdown.js';
import { SINCE, UNTIL, routesYaml, syntheticTurns, twoRoutes } from '../../support/synthetic-turns.js';

const NOW = new Date('2026-11-23T06:00:00Z');
const DIFF = '--- a/config/routes.yaml\n+++ b/config/routes.yaml\n@@ -9,1 +9,1 @@\n-    - if: "input_tokens < 8000"\n+    - if: "input_tokens < 12000"\n';
const policy = routesYaml({ default: 'strong', rules: [{ if: 'input_tokens < 8000', route_to: 'cheap' }, { if: "request_kind == 'review'", route_to: 'strong' }] });

function result(count: number) {
  const turns = syntheticTurns({ seed: 7, count, since: SINCE, until: UNTIL, routes: twoRoutes((t) => (t < 12_000 ? 0.9 : 0.55)), policy: (t) => (t < 8000 ? 'cheap' : 'strong') });
  return optimizeRoutingPolicy({ loaded: parseConfig(policy, 'config/routes.yaml'), turns, since: SINCE, until: UNTIL, now: NOW });
}

describe('renderProposalMarkdown', () => {
  const proposal = result(6000);

  it('writes a pull-request body: title, summary, evidence table, savings, risks, how to apply, options', () => {
    const md = renderProposalMarkdown(proposal, DIFF);
    const p = proposal.proposals[0];
    expect(md.split('\n')[0]).toBe('# Routing policy: rule 0 (→ cheap) input_tokens < 8000 → 12000 (routes.yaml, 2026-11-23)');
    expect(md).toContain(`threshold 8000 → **12000** (\`input_tokens < 12000\`); ${p.turnsMoved} turns in the window change route; saves ~$${p.projectedWeeklySavingsUsd!.toFixed(2)}/week`);
    expect(md).toContain("Rule 1 (`request_kind == 'review'`): not analysed: no `input_tokens <op> number` threshold");
    expect(md).toContain('| input tokens | n cheap | quality cheap | $/turn cheap | n strong | quality strong | $/turn strong | difference (low) | verdict |');
    expect(md).toMatch(/\| 8000–9000 ⇄ \| \d+ \| 0\.\d{3} ± 0\.\d{3} \| \$0\.00100 \| \d+ \| 0\.\d{3} ± 0\.\d{3} \| \$0\.0100 \| [+−]0\.\d{3} \([+−]0\.\d{3}\) \| cheap ok \|/);
    expect(md).toMatch(/\| 12000–13000 \| .* \| cheap worse \|/);
    expect(md).toContain('## Projected weekly savings');
    expect(md).toContain('## Risks');
    expect(md).toContain(`git apply proposals/${proposalFileStem(proposal)}.diff`);
    expect(proposalFileStem(proposal)).toBe('2026-11-23-routing');
    expect(md).toContain(DIFF.trimEnd());
    expect(md).toContain('- tolerance: 0.05');
    expect(md).toContain('- min samples per route per bucket: 30');
    expect(md).toContain('- target quality: none');
  });

  it('is deterministic (same input, same text; no dates but generatedAt)', () => {
    expect(renderProposalMarkdown(proposal, DIFF)).toBe(renderProposalMarkdown(structuredClone(proposal), DIFF));
    expect(renderProposalMarkdown(proposal, DIFF)).not.toMatch(/2026-11-24|2025/);
  });

  it('says plainly why when nothing is proposed, and offers nothing to apply', () => {
    const none = result(600);
    const md = renderProposalMarkdown(none, '');
    expect(md.split('\n')[0]).toBe('# Routing policy: no change proposed (routes.yaml, 2026-11-23)');
    expect(md).toMatch(/Rule 0 \(`input_tokens < 8000` → cheap\): no change\. Not enough evidence: bucket 8000–9000 has \d+ turns on cheap/);
    expect(md).toContain('Nothing to apply');
    expect(md).not.toContain('git apply');
  });
});
