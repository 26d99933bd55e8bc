// The proposal files from a hand-made result (independent of the analysis): the .diff
// applies with the real `git apply` to the committed routes file, keeps its comments and
// the result loads; no change writes no .diff; --apply refuses a proposed file the loader
// rejects and leaves the routes file as it was.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/load-config.js';
import type { OptimizationResult, RuleProposal } from '../../../optimizer/proposal.js';
import { writeProposalFiles } from '../../../optimizer/write-proposal-files.js';
import { ApplyRefusedError, applyProposal } from '../../../optimizer/optimize-command.js';

const dirs: string[] = [];
const scratch = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `${name}-`));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ROUTES = `# Routes for the proposal tests.
routes:
  - alias: cheap
    provider: openai
    model: cheap-model   # the small one
  - alias: strong
    provider: openai
    model: strong-model

routing_policy:
  default: strong
  rules:
    # Small turns go to the cheap model.
    - if: "input_tokens < 8000"   # small turns: cheap
      route_to: cheap
    - if: tools_include('apply_patch') and input_tokens > 30000
      route_to: strong
# end of the policy
`;
const COMMENTS = ROUTES.split('\n').filter((l) => l.includes('#'));

function proposal(over: Partial<RuleProposal>): RuleProposal {
  return {
    ruleIndex: 0,
    expression: 'input_tokens < 8000',
    route: 'cheap',
    alternative: 'strong',
    cheap: 'cheap',
    strong: 'strong',
    operator: '<',
    threshold: 8000,
    proposedThreshold: 12000,
    newExpression: 'input_tokens < 12000',
    reason: 'cheap is as good as strong (within 0.05 at 95%) in every bucket 8000–12000: move the threshold from 8000 to 12000',
    buckets: [],
    turnsMoved: 120,
    projectedWeeklySavingsUsd: 1.08,
    projectedQualityDelta: -0.001,
    risks: [],
    ...over,
  };
}

function result(proposals: RuleProposal[], routesFile = 'config/routes.yaml'): OptimizationResult {
  return {
    generatedAt: '2026-11-23T06:00:00.000Z',
    routesFile,
    window: { since: '2026-11-16T06:00:00.000Z', until: '2026-11-23T06:00:00.000Z', turns: 1000, scoredTurns: 990 },
    options: { tolerance: 0.05, confidence: 0.95, minSamples: 30, windowDays: 7, targetQuality: null },
    proposals,
    skipped: [],
  };
}

describe('writeProposalFiles', () => {
  it('writes the .diff, .md and .json; the diff applies with git apply, keeps the comments and loads', async () => {
    const repo = scratch('proposal-repo');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
    git('init', '-q');
    mkdirSync(join(repo, 'config'));
    writeFileSync(join(repo, 'config', 'routes.yaml'), ROUTES);
    git('add', '.');
    git('commit', '-q', '-m', 'routes');

    const outDir = join(repo, 'proposals', 'nested');
    const r = result([proposal({}), proposal({ ruleIndex: 1, expression: "tools_include('apply_patch') and input_tokens > 30000", proposedThreshold: null, newExpression: null, reason: 'not enough evidence' })]);
    const files = await writeProposalFiles({ result: r, routesText: ROUTES, routesPathInRepo: 'config/routes.yaml', outDir });
    expect(files).toEqual({
      diff: join(outDir, '2026-11-23-routing.diff'),
      markdown: join(outDir, '2026-11-23-routing.md'),
      json: join(outDir, '2026-11-23-routing.json'),
      changed: true,
    });
    const diff = readFileSync(files.diff!, 'utf8');
    expect(diff.split('\n').slice(0, 3)).toEqual(['diff --git a/config/routes.yaml b/config/routes.yaml', '--- a/config/routes.yaml', '+++ b/config/routes.yaml']);
    expect(diff).toContain('-    - if: "input_tokens < 8000"   # small turns: cheap\n+    - if: "input_tokens < 12000"   # small turns: cheap\n');

    // From the repository root, as a reviewer would.
    git('apply', '--check', files.diff!);
    git('apply', files.diff!);
    const applied = readFileSync(join(repo, 'config', 'routes.yaml'), 'utf8');
    expect(applied).toBe(ROUTES.replace('input_tokens < 8000', 'input_tokens < 12000'));
    expect(applied.split('\n').filter((l) => l.includes('#'))).toEqual(COMMENTS.map((l) => l.replace('8000', '12000')));
    expect(applied).toContain('    # Small turns go to the cheap model.\n');
    expect(applied).toContain('# end of the policy\n');
    const loaded = parseConfig(applied, 'config/routes.yaml');
    expect(loaded.config.routing_policy?.rules?.map((x) => x.if)).toEqual(['input_tokens < 12000', "tools_include('apply_patch') and input_tokens > 30000"]);

    const md = readFileSync(files.markdown, 'utf8');
    expect(md).toContain('8000 → 12000');
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as OptimizationResult & { diff: string | null };
    expect(json.diff).toBe(diff);
    expect(json.proposals[0]!.newExpression).toBe('input_tokens < 12000');
    expect(json.window.turns).toBe(1000);
  });

  it('no rule changes: no .diff, the .md and .json still written; the date can be given', async () => {
    const outDir = join(scratch('proposal-none'), 'out');
    const r = result([proposal({ proposedThreshold: null, newExpression: null, reason: 'the evidence supports the current threshold' })]);
    const files = await writeProposalFiles({ result: r, routesText: ROUTES, routesPathInRepo: 'routes.yaml', outDir, date: '2026-12-01' });
    expect(files.changed).toBe(false);
    expect(files.diff).toBeUndefined();
    expect(readdirSync(outDir).sort()).toEqual(['2026-12-01-routing.json', '2026-12-01-routing.md']);
    expect(JSON.parse(readFileSync(files.json, 'utf8')).diff).toBeNull();
    await expect(writeProposalFiles({ result: r, routesText: ROUTES, routesPathInRepo: 'routes.yaml', outDir, date: '1 Dec' })).rejects.toThrow(/not YYYY-MM-DD/);
  });
});

describe('applyProposal (--apply)', () => {
  it('writes the proposed routes file when it loads', () => {
    const file = join(scratch('apply-ok'), 'routes.yaml');
    writeFileSync(file, ROUTES);
    expect(applyProposal({ configFile: file, routesText: ROUTES, result: result([proposal({})], file) })).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(ROUTES.replace('input_tokens < 8000', 'input_tokens < 12000'));
    // Nothing to change: false, file untouched.
    expect(applyProposal({ configFile: file, routesText: text, result: result([proposal({ proposedThreshold: null, newExpression: null })], file) })).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('refuses a proposed file that does not load: the routes file is unchanged and the error names the reason', () => {
    const file = join(scratch('apply-bad'), 'routes.yaml');
    writeFileSync(file, ROUTES);
    const bad = result([proposal({ proposedThreshold: 1, newExpression: 'input_tokens < ' })], file);
    let err: unknown;
    try {
      applyProposal({ configFile: file, routesText: ROUTES, result: bad });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApplyRefusedError);
    const refused = err as ApplyRefusedError;
    expect(refused.configError).toBeInstanceOf(ConfigError);
    // The loader's reason: the file, the rule's line and what is wrong with the expression.
    expect(refused.message).toMatch(/^refusing to apply: the proposed routes file does not load: .*routes\.yaml:14: .*routing_policy\.rules\[0\]/);
    expect(readFileSync(file, 'utf8')).toBe(ROUTES);
  });

  it('refuses when the routes file changed since it was read', () => {
    const file = join(scratch('apply-race'), 'routes.yaml');
    const edited = ROUTES.replace('# end of the policy', '# edited meanwhile');
    writeFileSync(file, edited);
    expect(() => applyProposal({ configFile: file, routesText: ROUTES, result: result([proposal({})], file) })).toThrow(/changed while the optimizer ran/);
    expect(readFileSync(file, 'utf8')).toBe(edited);
  });
});

describe('runOptimizeCommand --apply with a result that does not load', () => {
  afterEach(() => {
    vi.doUnmock('../../../optimizer/optimize-routing-policy.js');
    vi.resetModules();
    vi.restoreAllMocks();
  });

  // The analysis never writes a broken expression; a stand-in that does checks the
  // command's refusal path end to end: exit 2, the reason on stderr, the file as it was.
  it('exits 2 with the loader reason and leaves the routes file unchanged', async () => {
    const dir = scratch('apply-cli');
    const file = join(dir, 'routes.yaml');
    writeFileSync(file, ROUTES);
    const turns = join(dir, 'turns.jsonl');
    writeFileSync(turns, '');
    vi.resetModules();
    vi.doMock('../../../optimizer/optimize-routing-policy.js', () => ({
      optimizeRoutingPolicy: () => result([proposal({ proposedThreshold: 1, newExpression: 'input_tokens < ' })], file),
    }));
    const { runOptimizeCommand } = await import('../../../optimizer/optimize-command.js');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const code = await runOptimizeCommand({ config: file, from: turns, out: join(dir, 'proposals'), apply: true }, {});
    expect(code).toBe(2);
    expect(errors.join('\n')).toMatch(/refusing to apply: .*routes\.yaml:14: .*rules\[0\]/);
    expect(readFileSync(file, 'utf8')).toBe(ROUTES);
    // The proposal itself is still written (it is the thing to look at).
    expect(existsSync(join(dir, 'proposals', '2026-11-23-routing.md'))).toBe(true);
  });

  it('bad options exit 2 before anything is read', async () => {
    const { runOptimizeCommand } = await import('../../../optimizer/optimize-command.js');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    const file = join(scratch('bad-opts'), 'routes.yaml');
    writeFileSync(file, ROUTES);
    expect(await runOptimizeCommand({ config: file, minSamples: 'ten' }, {})).toBe(2);
    expect(await runOptimizeCommand({ config: file, confidence: '1' }, {})).toBe(2);
    expect(await runOptimizeCommand({ config: file, since: 'yesterday' }, {})).toBe(2);
    expect(await runOptimizeCommand({ config: file, apply: true, backtest: 'x.diff' }, {})).toBe(2);
    // No REDIS_URL and no --from: says where turns come from.
    expect(await runOptimizeCommand({ config: file }, {})).toBe(2);
    expect(errors[0]).toMatch(/--min-samples "ten"/);
    expect(errors[1]).toMatch(/--confidence "1"/);
    expect(errors[2]).toMatch(/--since "yesterday"/);
    expect(errors[3]).toMatch(/--apply and --backtest/);
    expect(errors[4]).toMatch(/REDIS_URL.*gateway export-turns/);
  });
});
