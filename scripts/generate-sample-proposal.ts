// Regenerates docs/sample-proposal/: a week of synthetic scored turns (seeded) for the
// routes file there, run through `gateway optimize` and its backtest. The README shows
// the result; test/unit/optimizer/sample-proposal.test.ts checks it is what the tool writes.
//   npx tsx scripts/generate-sample-proposal.ts [outDir]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticTurns } from '../test/support/synthetic-turns.js';
import { runBacktest, runOptimizer } from '../optimizer/optimize-command.js';

export const SAMPLE_ROUTES = 'docs/sample-proposal/routes.yaml';
export const SAMPLE_NOW = new Date('2026-11-23T06:00:00Z');

// Claude Haiku as good as Opus on coding turns up to ~14k input tokens, then worse;
// cost per turn from list input prices ($1 and $5 per million) plus 600 output tokens.
export function sampleTurns() {
  return syntheticTurns({
    seed: 7,
    count: 12_000,
    since: new Date(SAMPLE_NOW.getTime() - 7 * 86_400_000),
    until: SAMPLE_NOW,
    routes: [
      { alias: 'fast', quality: (t) => (t < 14_000 ? 0.92 : 0.62), cost: (t) => (t * 1 + 600 * 5) / 1e6 },
      { alias: 'flagship', quality: () => 0.93, cost: (t) => (t * 5 + 600 * 25) / 1e6 },
    ],
    policy: (t) => (t < 8000 ? 'fast' : 'flagship'),
    explorationShare: 0.35,
    minTokens: 500,
    maxTokens: 24_000,
    noise: 0.2,
    sessions: 400,
  });
}

export async function generateSample(outDir: string): Promise<{ summary: string[]; backtest: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'sample-turns-'));
  const from = join(dir, 'turns.jsonl');
  writeFileSync(from, sampleTurns().map((t) => JSON.stringify(t)).join('\n') + '\n');
  const summary: string[] = [];
  const { files } = await runOptimizer({ configFile: SAMPLE_ROUTES, env: {}, since: '7d', from, outDir, now: SAMPLE_NOW, log: (l) => summary.push(l) });
  const backtest: string[] = [];
  await runBacktest({ configFile: SAMPLE_ROUTES, diffFile: String(files.diff), since: '7d', from, env: {}, now: SAMPLE_NOW, log: (l) => backtest.push(l) });
  // Named as it is in the repository, wherever this run wrote it.
  const shown = backtest.map((l) => l.split(outDir).join('docs/sample-proposal'));
  writeFileSync(join(outDir, 'backtest.txt'), shown.join('\n') + '\n');
  return { summary, backtest };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? 'docs/sample-proposal';
  const { summary, backtest } = await generateSample(out);
  console.log([...summary, '', ...backtest].join('\n'));
}
