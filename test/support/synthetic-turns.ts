// Seeded synthetic scored turns for the optimizer's tests: input tokens from a
// distribution, a route from a policy (plus exploration to the other route), quality
// scores drawn around a function of the tokens, a cost per turn, sessions and dates.
import type { OfferedTool } from '../../src/records/turn-record.js';
import type { ScoredTurn } from '../../optimizer/read-scored-turns.js';

export interface SyntheticRoute {
  alias: string;
  // Expected quality in [0, 1] of a turn with these tokens and tools.
  quality: (tokens: number, tools: readonly string[]) => number;
  // USD per turn (null: unpriced).
  cost: (tokens: number) => number | null;
}

export interface SyntheticOptions {
  seed?: number;
  count: number;
  since: Date;
  until: Date;
  routes: SyntheticRoute[];
  // The alias the policy picks.
  policy: (tokens: number, tools: readonly string[]) => string;
  // Share of turns sent to the other route and marked as exploration (default 0.5: both
  // routes everywhere, as exploration gives).
  explorationShare?: number;
  // Input tokens (default uniform in [minTokens, maxTokens) = [0, 30000)).
  minTokens?: number;
  maxTokens?: number;
  tokens?: (rand: () => number) => number;
  // Tool names a turn offers (default ['shell', 'apply_patch']).
  tools?: (rand: () => number, i: number) => string[];
  // Score noise: 'bernoulli' (each score 0/1 with the expected quality) or the standard
  // deviation of a normal around it, clipped to [0, 1] (default 0.1).
  noise?: 'bernoulli' | number;
  // Share of turns without any score, and of client_closed turns (default 0).
  unscoredShare?: number;
  clientClosedShare?: number;
  sessions?: number;
}

// mulberry32
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function syntheticTurns(o: SyntheticOptions): ScoredTurn[] {
  const rand = seededRandom(o.seed ?? 1);
  const byAlias = new Map(o.routes.map((r) => [r.alias, r]));
  const span = o.until.getTime() - o.since.getTime();
  const turns: ScoredTurn[] = [];
  const explorationShare = o.explorationShare ?? 0.5;
  const noise = o.noise ?? 0.1;
  for (let i = 0; i < o.count; i++) {
    const tokens = Math.floor(o.tokens ? o.tokens(rand) : (o.minTokens ?? 0) + rand() * ((o.maxTokens ?? 30_000) - (o.minTokens ?? 0)));
    const toolNames = o.tools ? o.tools(rand, i) : ['shell', 'apply_patch'];
    const chosen = o.policy(tokens, toolNames);
    let alias = chosen;
    let exploration: string | undefined;
    if (o.routes.length > 1 && rand() < explorationShare) {
      const others = o.routes.filter((r) => r.alias !== chosen);
      alias = others[Math.floor(rand() * others.length)].alias;
      exploration = chosen;
    }
    const route = byAlias.get(alias);
    if (!route) throw new Error(`synthetic turns: no route ${alias}`);
    const p = route.quality(tokens, toolNames);
    const draw = () => (noise === 'bernoulli' ? (rand() < p ? 1 : 0) : Math.min(1, Math.max(0, p + noise * gaussian(rand))));
    const scored = rand() >= (o.unscoredShare ?? 0);
    const closed = rand() < (o.clientClosedShare ?? 0);
    const scores: ScoredTurn['scores'] = {};
    if (scored) {
      const v = draw();
      const c = draw();
      scores.tool_call_validity = { score: v, label: v >= 0.5 ? 'valid' : 'invalid', explanation: 'synthetic' };
      scores.task_completion = { score: c, label: c >= 0.5 ? 'completed' : 'failed', explanation: 'synthetic' };
    }
    const toolsOffered: OfferedTool[] = toolNames.map((name) => (name === 'apply_patch' ? { type: 'custom', name } : { type: 'function', name }));
    const at = new Date(o.since.getTime() + Math.floor(rand() * span));
    turns.push({
      v: 1,
      id: `syn-${o.seed ?? 1}-${i}`,
      at: at.toISOString(),
      dialect: 'responses',
      stream: true,
      session: { id: `session-${Math.floor(rand() * (o.sessions ?? 50))}`, turnId: `t-${i}`, requestKind: 'turn' },
      identity: { developer: 'dev', team: 'team', repo: 'repo' },
      route: { requested: 'auto', alias, by: 'rule', ...(exploration ? { exploration } : {}) },
      provider: 'fake',
      model: `${alias}-model`,
      status: closed ? 'client_closed' : 'completed',
      httpStatus: 200,
      usage: { inputTokens: tokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 100, reasoningTokens: 0 },
      inputTokensEstimate: tokens,
      costUsd: route.cost(tokens),
      latencyMs: 100,
      toolsOffered,
      toolCalls: [],
      toolOutputs: [],
      finalTextLength: 10,
      outputObserved: true,
      removedTools: [],
      warnings: [],
      scores,
    });
  }
  return turns;
}

// A routes file with a cheap and a strong route and the given policy (YAML text).
export function routesYaml(policy: { default?: string; rules: { if: string; route_to: string; shadow?: boolean }[] }): string {
  const lines = [
    'routes:',
    '  - alias: cheap',
    '    provider: openai',
    '    model: cheap-model',
    '  - alias: strong',
    '    provider: openai',
    '    model: strong-model',
    'routing_policy:',
  ];
  if (policy.default !== undefined) lines.push(`  default: ${JSON.stringify(policy.default)}`);
  lines.push('  rules:');
  for (const r of policy.rules) {
    lines.push(`    - if: ${JSON.stringify(r.if)}`, `      route_to: ${JSON.stringify(r.route_to)}`);
    if (r.shadow) lines.push('      shadow: true');
  }
  return `${lines.join('\n')}\n`;
}

// The standard two-route setup of the optimizer tests: cheap $0.001/turn, strong $0.01/turn.
export const SINCE = new Date('2026-11-16T00:00:00Z');
export const UNTIL = new Date('2026-11-23T00:00:00Z');
export const CHEAP_COST = 0.001;
export const STRONG_COST = 0.01;

export function twoRoutes(cheapQuality: (tokens: number, tools: readonly string[]) => number, strongQuality: (tokens: number, tools: readonly string[]) => number = () => 0.9): SyntheticRoute[] {
  return [
    { alias: 'cheap', quality: cheapQuality, cost: () => CHEAP_COST },
    { alias: 'strong', quality: strongQuality, cost: () => STRONG_COST },
  ];
}
