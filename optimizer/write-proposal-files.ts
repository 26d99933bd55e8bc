// The proposal on disk: <date>-routing.diff (the routes file change, for `git apply`;
// only when a rule changes), <date>-routing.md (the pull-request body) and
// <date>-routing.json (the result with the diff text, for tools).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OptimizationResult } from './proposal.js';
import { renderProposalMarkdown } from './render-proposal-markdown.js';
import { rewriteRuleConditions, type RuleConditionChange } from './rewrite-routes-file.js';
import { routesDiff } from './routes-diff.js';

export interface ProposalFiles {
  diff?: string;
  markdown: string;
  json: string;
  changed: boolean;
}

export interface WriteProposalInput {
  result: OptimizationResult;
  // The routes file's text as analysed, and its path inside the repository (for the diff).
  routesText: string;
  routesPathInRepo: string;
  outDir: string;
  // YYYY-MM-DD; default: the date of result.generatedAt.
  date?: string;
}

// The rule changes a result proposes, and the routes file text with them applied
// (the same text when none).
export function proposedRoutesText(result: OptimizationResult, routesText: string): { changes: RuleConditionChange[]; text: string } {
  const changes = result.proposals
    .filter((p) => p.proposedThreshold !== null && p.newExpression !== null && p.newExpression !== p.expression)
    .map((p) => ({ ruleIndex: p.ruleIndex, newExpression: p.newExpression! }));
  return { changes, text: rewriteRuleConditions(routesText, changes) };
}

export async function writeProposalFiles(input: WriteProposalInput): Promise<ProposalFiles> {
  const date = input.date ?? input.result.generatedAt.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`proposal date "${date}" is not YYYY-MM-DD`);
  const { text } = proposedRoutesText(input.result, input.routesText);
  const diffText = routesDiff(input.routesPathInRepo, input.routesText, text);
  const changed = diffText !== '';
  await mkdir(input.outDir, { recursive: true });
  const stem = join(input.outDir, `${date}-routing`);
  const files: ProposalFiles = { markdown: `${stem}.md`, json: `${stem}.json`, changed };
  if (changed) {
    files.diff = `${stem}.diff`;
    await writeFile(files.diff, diffText);
  }
  await writeFile(files.markdown, renderProposalMarkdown(input.result, diffText));
  await writeFile(files.json, `${JSON.stringify({ ...input.result, diff: changed ? diffText : null }, null, 2)}\n`);
  return files;
}
