// The pull-request body of a routing proposal: what changes, the evidence per bucket,
// the projection, the risks, how to apply it. Deterministic: the same result and diff
// give the same text.
import { basename } from 'node:path';
import type { BucketEvidence, OptimizationResult, RouteEvidence, RuleProposal } from './proposal.js';

const pct = (x: number) => `${Math.round(x * 100)}%`;
const num = (x: number | null, digits = 3) => (x === null ? '–' : x.toFixed(digits));
const signed = (x: number | null, digits = 3) => (x === null ? 'n/a' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`);

function usd(x: number | null, digits = 2): string {
  if (x === null) return 'n/a';
  return `${x < 0 ? '−' : ''}$${Math.abs(x).toFixed(digits)}`;
}

function costPerTurn(x: number | null): string {
  if (x === null) return '–';
  return `$${x < 0.01 ? x.toFixed(5) : x.toFixed(4)}`;
}

function savingsPhrase(p: RuleProposal): string {
  const s = p.projectedWeeklySavingsUsd;
  if (s === null) return 'savings unknown (unpriced turns)';
  return s >= 0 ? `saves ~${usd(s)}/week` : `costs ~${usd(-s)}/week more`;
}

// The proposal file's name stem (the diff is proposals/<stem>.diff).
export function proposalFileStem(result: OptimizationResult): string {
  return `${result.generatedAt.slice(0, 10)}-routing`;
}

export function renderProposalMarkdown(result: OptimizationResult, diffText: string): string {
  const changed = result.proposals.filter((p) => p.proposedThreshold !== null);
  const file = basename(result.routesFile);
  const date = result.generatedAt.slice(0, 10);
  const out: string[] = [];
  if (changed.length > 0) {
    const what = changed.map((p) => `rule ${p.ruleIndex} (→ ${p.route}) input_tokens ${p.operator} ${p.threshold} → ${p.proposedThreshold}`).join('; ');
    out.push(`# Routing policy: ${what} (${file}, ${date})`, '');
  } else {
    out.push(`# Routing policy: no change proposed (${file}, ${date})`, '');
  }
  out.push(
    `Evidence: ${result.window.turns} turns (${result.window.scoredTurns} scored) from ${result.window.since} to ${result.window.until}. Generated ${result.generatedAt}.`,
    '',
    '## Summary',
    '',
  );
  if (result.proposals.length === 0) out.push('No rule of the routing policy has an input-token threshold the optimizer can move.', '');
  for (const p of result.proposals) {
    if (p.proposedThreshold !== null) {
      out.push(
        `- Rule ${p.ruleIndex} (\`${p.expression}\` → ${p.route}): threshold ${p.threshold} → **${p.proposedThreshold}** (\`${p.newExpression}\`); ${p.turnsMoved} turns in the window change route; ${savingsPhrase(p)}; projected quality change ${signed(p.projectedQualityDelta)} per turn. ${p.reason}.`,
      );
    } else {
      out.push(`- Rule ${p.ruleIndex} (\`${p.expression}\` → ${p.route}): no change. ${capitalize(p.reason)}.`);
    }
  }
  for (const s of result.skipped) out.push(`- Rule ${s.ruleIndex} (\`${s.expression}\`): not analysed: ${s.reason}.`);
  out.push('');
  if (changed.length === 0) {
    out.push(
      result.proposals.length > 0
        ? 'Nothing to apply: the evidence does not support moving any threshold (reasons above).'
        : 'Nothing to apply.',
      '',
    );
  }

  for (const p of result.proposals) {
    out.push(`## Evidence: rule ${p.ruleIndex} (\`${p.expression}\`)`, '');
    out.push(`${p.cheap} (cheaper) against ${p.strong}; quality is the mean per turn of tool_call_validity and task_completion, ± its ${pct(result.options.confidence)} interval.`, '');
    if (p.buckets.length === 0) out.push('No turns in the window.', '');
    else out.push(...evidenceTable(p.buckets, p), '');
  }

  if (changed.length > 0) {
    out.push('## Projected weekly savings', '');
    let total = 0;
    let known = true;
    for (const p of changed) {
      out.push(`- Rule ${p.ruleIndex}: ${savingsPhrase(p)} (${p.turnsMoved} turns moved over ${num(result.options.windowDays, 1)} days, scaled to 7).`);
      if (p.projectedWeeklySavingsUsd === null) known = false;
      else total += p.projectedWeeklySavingsUsd;
    }
    if (changed.length > 1) out.push(`- Total: ${known ? usd(total) : 'n/a'} per week.`);
    out.push('');
  }

  const risks = result.proposals.flatMap((p) => p.risks.map((r) => `- Rule ${p.ruleIndex}: ${r}.`));
  out.push('## Risks', '', ...(risks.length ? risks : ['- None noted.']), '');

  if (changed.length > 0) {
    out.push(
      '## How to apply',
      '',
      `Review the diff below, then from the repository root:`,
      '',
      '```sh',
      `git apply proposals/${proposalFileStem(result)}.diff`,
      '```',
      '',
      'The gateway reloads routes on change (or restart it). Revert with `git apply -R` on the same file.',
      '',
      '```diff',
      diffText.replace(/\n$/, ''),
      '```',
      '',
    );
  }
  const o = result.options;
  out.push(
    '## Options',
    '',
    `- tolerance: ${o.tolerance} (cheap − strong quality ≥ −${o.tolerance}, one-sided at ${pct(o.confidence)})`,
    `- confidence: ${o.confidence}`,
    `- min samples per route per bucket: ${o.minSamples}`,
    `- window: ${num(o.windowDays, 1)} days`,
    `- target quality: ${o.targetQuality === null ? 'none' : o.targetQuality}`,
    '',
  );
  return out.join('\n');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function qualityCell(r: RouteEvidence): string {
  if (r.quality === null) return '–';
  const half = r.qualityLow !== null && r.qualityHigh !== null ? Math.max(r.quality - r.qualityLow, r.qualityHigh - r.quality) : null;
  return half === null ? num(r.quality) : `${num(r.quality)} ± ${num(half)}`;
}

const VERDICT: Record<BucketEvidence['verdict'], string> = { cheap_ok: 'cheap ok', cheap_worse: 'cheap worse', insufficient: 'insufficient' };

function evidenceTable(buckets: BucketEvidence[], p: RuleProposal): string[] {
  const rows = [
    `| input tokens | n ${p.cheap} | quality ${p.cheap} | $/turn ${p.cheap} | n ${p.strong} | quality ${p.strong} | $/turn ${p.strong} | difference (low) | verdict |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  const lo = Math.min(p.threshold, p.proposedThreshold ?? p.threshold);
  const hi = Math.max(p.threshold, p.proposedThreshold ?? p.threshold);
  for (const b of buckets) {
    const moved = p.proposedThreshold !== null && b.from < hi && b.to > lo;
    const diff = b.difference === null ? '–' : `${signed(b.difference)} (${signed(b.differenceLow)})`;
    rows.push(
      `| ${b.from}–${b.to}${moved ? ' ⇄' : ''} | ${b.cheap.n} | ${qualityCell(b.cheap)} | ${costPerTurn(b.cheap.costPerTurnUsd)} | ${b.strong.n} | ${qualityCell(b.strong)} | ${costPerTurn(b.strong.costPerTurnUsd)} | ${diff} | ${VERDICT[b.verdict]} |`,
    );
  }
  if (p.proposedThreshold !== null) rows.push('', '⇄: buckets whose turns change route.');
  return rows;
}
