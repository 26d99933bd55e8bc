// `gateway optimize` as a child process on a JSONL of synthetic scored turns (no Redis):
// the cheap route is as good as the strong one up to 12k input tokens and much worse
// above; the rule sends turns under 8000 to cheap, so the proposal moves 8000 → 12000.
// The routes file sits in a scratch git repository, so the diff names it relative to the
// top level and the real `git apply` takes it; --backtest replays the turns under the
// diff; --apply rewrites the routes file, which then loads and keeps its comments.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config.js';
import { TURN_RECORD_VERSION } from '../../src/records/turn-record.js';
import type { ScoredTurn } from '../../optimizer/read-scored-turns.js';

const run = promisify(execFile);
const repo = mkdtempSync(join(tmpdir(), 'optimize-cli-'));
const routesFile = join(repo, 'config', 'routes.yaml');
const turnsFile = join(repo, 'turns.jsonl');
const outDir = join(repo, 'proposals');
const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });

const ROUTES = `# Routes for the optimize CLI test.
routes:
  - alias: cheap
    provider: openai
    model: cheap-model
  - alias: strong
    provider: openai
    model: strong-model

routing_policy:
  default: strong
  rules:
    # Small turns go to the cheap model; the optimizer should find it holds up to 12k.
    - if: "input_tokens < 8000"   # small turns: cheap
      route_to: cheap
# end of the policy
`;

// Per 1k bucket from 0 to 20k, 40 turns on each route (≥ the default 30 per route per
// bucket). Quality is the mean of the two built-in scores; "good" alternates 0.9/1.0 and
// "bad" 0.1/0.2, a small spread so 40 turns decide each bucket at the default tolerance
// and confidence. Cheap: $0.001 a turn, strong: $0.01.
function scoredTurns(now: number): ScoredTurn[] {
  const turns: ScoredTurn[] = [];
  let i = 0;
  for (let bucket = 0; bucket < 20_000; bucket += 1000) {
    for (const alias of ['cheap', 'strong'] as const) {
      for (let k = 0; k < 40; k++, i++) {
        const tokens = bucket + 10 + k * 24;
        const good = alias === 'strong' || tokens < 12_000;
        const policyRoute = tokens < 8000 ? 'cheap' : 'strong';
        const tc = good ? (k % 2 ? 0.8 : 1) : k % 2 ? 0.2 : 0.4;
        const tcv = good ? 1 : 0;
        turns.push({
          v: TURN_RECORD_VERSION,
          id: `turn-${i}`,
          at: new Date(now - 3_600_000 - i * 1000).toISOString(),
          dialect: 'responses',
          stream: true,
          session: { id: `s-${i}`, requestKind: 'turn' },
          identity: { developer: 'dev@example.com' },
          // Turns on the other side of the rule were explored there.
          route: { requested: 'auto', alias, by: 'rule', ...(alias === policyRoute ? {} : { exploration: policyRoute }) },
          provider: 'openai',
          model: `${alias}-model`,
          status: 'completed',
          httpStatus: 200,
          usage: { inputTokens: tokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 50, reasoningTokens: 0 },
          costUsd: alias === 'cheap' ? 0.001 : 0.01,
          latencyMs: 500,
          toolsOffered: [{ type: 'function', name: 'exec_command' }],
          toolCalls: [],
          toolOutputs: [],
          finalTextLength: 10,
          outputObserved: true,
          removedTools: [],
          warnings: [],
          scores: {
            tool_call_validity: { score: tcv, label: tcv ? 'valid' : 'invalid' },
            task_completion: { score: tc, label: tc >= 0.5 ? 'completed' : 'failed' },
          },
        });
      }
    }
  }
  return turns;
}

async function gateway(args: string[], env: Record<string, string | undefined> = {}) {
  const childEnv: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: 'warn', ...env };
  // The JSONL is the source; never a Redis the environment might name.
  delete childEnv.REDIS_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: process.cwd(), env: childEnv, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(() => {
  git('init', '-q');
  mkdirSync(join(repo, 'config'));
  writeFileSync(routesFile, ROUTES);
  git('add', 'config/routes.yaml');
  git('commit', '-q', '-m', 'routes');
  writeFileSync(turnsFile, `${scoredTurns(Date.now()).map((t) => JSON.stringify(t)).join('\n')}\n`);
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
});

describe('gateway optimize (CLI, --from JSONL)', () => {
  let diffFile: string;

  it('writes the proposal: the .diff moves 8000 → 12000 and git apply takes it', async () => {
    const r = await gateway(['optimize', '--from', turnsFile, '-c', routesFile, '--out', outDir]);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(outDir).sort();
    expect(files.map((f) => f.replace(/^\d{4}-\d{2}-\d{2}-/, ''))).toEqual(['routing.diff', 'routing.json', 'routing.md']);
    diffFile = join(outDir, files.find((f) => f.endsWith('.diff'))!);
    const diff = readFileSync(diffFile, 'utf8');
    // Named relative to the repository's top level.
    expect(diff.split('\n')[0]).toBe('diff --git a/config/routes.yaml b/config/routes.yaml');
    expect(diff).toContain('-    - if: "input_tokens < 8000"   # small turns: cheap\n+    - if: "input_tokens < 12000"   # small turns: cheap\n');
    expect(r.stdout).toMatch(/rule 0 \(input_tokens < 8000 → cheap, vs strong\): 8000 → 12000/);
    expect(r.stdout).toContain(diffFile);
    git('apply', '--check', diffFile);
    const json = JSON.parse(readFileSync(diffFile.replace(/\.diff$/, '.json'), 'utf8')) as { diff: string; proposals: { proposedThreshold: number | null }[] };
    expect(json.diff).toBe(diff);
    expect(json.proposals[0]!.proposedThreshold).toBe(12000);
    expect(readFileSync(diffFile.replace(/\.diff$/, '.md'), 'utf8')).toContain('8000 → 12000');
    // Without --apply the routes file is untouched.
    expect(readFileSync(routesFile, 'utf8')).toBe(ROUTES);
  }, 90_000);

  it('--backtest prints the before/after table for the diff', async () => {
    const r = await gateway(['optimize', '--from', turnsFile, '-c', routesFile, '--backtest', diffFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('| | before | after | delta |');
    expect(r.stdout).toMatch(/\| cost \| \$\d+\.\d{4} \| \$\d+\.\d{4} \| -\$\d+\.\d{4} \|/);
    expect(r.stdout).toMatch(/\d+ turns replayed; \d+ change route/);
  }, 90_000);

  it('--apply rewrites the routes file; it loads and keeps its comments', async () => {
    const r = await gateway(['optimize', '--from', turnsFile, '-c', routesFile, '--out', outDir, '--apply']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('applied:');
    const text = readFileSync(routesFile, 'utf8');
    expect(text).toBe(ROUTES.replace('input_tokens < 8000', 'input_tokens < 12000'));
    expect(text).toContain('    # Small turns go to the cheap model; the optimizer should find it holds up to 12k.\n');
    expect(text).toContain('# end of the policy\n');
    expect(loadConfigFile(routesFile).config.routing_policy?.rules?.[0]?.if).toBe('input_tokens < 12000');
    // The same change git would make from the diff.
    // (git adds an `index` line and a function-context label after the hunk header.)
    const gitDiff = git('diff', '--no-color', '--', 'config/routes.yaml')
      .split('\n')
      .filter((l) => !l.startsWith('index '))
      .map((l) => l.replace(/^(@@ [^@]+ @@).*$/, '$1'))
      .join('\n');
    expect(gitDiff).toBe(readFileSync(diffFile, 'utf8'));
  }, 90_000);

  it('no REDIS_URL and no --from: exit 2, saying how to get turns', async () => {
    const r = await gateway(['optimize', '-c', routesFile, '--out', outDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/REDIS_URL/);
    expect(r.stderr).toContain('gateway export-turns');
  }, 60_000);

  it('--help lists the options', async () => {
    const r = await gateway(['optimize', '--help']);
    expect(r.code).toBe(0);
    for (const o of ['--since', '--until', '--from', '--target-quality', '--min-samples', '--tolerance', '--confidence', '--out', '--apply', '--backtest', '--config']) expect(r.stdout).toContain(o);
  }, 60_000);
});
