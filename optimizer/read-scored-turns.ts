// Scored turns as the optimizer reads them: the lines of `gateway export-turns` (a turn
// record plus `scores`), or the same straight from the score store.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { TurnRecord } from '../src/records/turn-record.js';
import type { ScoreStore } from '../evaluators/store/score-store.js';

export interface ScoredTurn extends TurnRecord {
  scores: Record<string, { score: number; label: string; explanation?: string }>;
}

// One object per line; blank lines are skipped. A line that is not JSON, or not a turn
// record, stops the read with an Error naming the file and the line number.
export async function readScoredTurnsJsonl(path: string): Promise<ScoredTurn[]> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  const turns: ScoredTurn[] = [];
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new Error(`${path}:${lineNo}: not JSON (${(err as Error).message})`);
    }
    const problem = scoredTurnProblem(value);
    if (problem) throw new Error(`${path}:${lineNo}: not a scored turn record (${problem})`);
    const turn = value as ScoredTurn;
    turn.scores ??= {};
    turns.push(turn);
  }
  return turns;
}

export async function readScoredTurnsFromStore(store: ScoreStore, since: Date, until: Date): Promise<ScoredTurn[]> {
  const turns: ScoredTurn[] = [];
  for await (const { record, verdicts } of store.listTurns(since, until)) {
    const scores: ScoredTurn['scores'] = {};
    for (const [name, v] of Object.entries(verdicts)) scores[name] = { score: v.score, label: v.label, explanation: v.explanation };
    turns.push({ ...record, scores });
  }
  return turns;
}

function scoredTurnProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'expected an object';
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'string') return 'no "id"';
  if (typeof o.at !== 'string' || Number.isNaN(Date.parse(o.at))) return 'no valid "at"';
  const route = o.route as Record<string, unknown> | undefined;
  if (typeof route !== 'object' || route === null || typeof route.alias !== 'string') return 'no "route.alias"';
  if (typeof o.status !== 'string') return 'no "status"';
  if (o.scores !== undefined && (typeof o.scores !== 'object' || o.scores === null || Array.isArray(o.scores))) return '"scores" is not an object';
  if (!Array.isArray(o.toolsOffered)) o.toolsOffered = [];
  if (!Array.isArray(o.removedTools)) o.removedTools = [];
  if (typeof o.identity !== 'object' || o.identity === null) o.identity = {};
  return undefined;
}
