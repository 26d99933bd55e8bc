// Where the eval loop keeps its state: turn records (for export and re-evaluation),
// verdicts per turn, aggregates per route × input-token bucket × day, developer and
// repo, and the session links that let a later request's facts reach an earlier turn.
// Redis (shared by workers and replicas) or memory (one process, without REDIS_URL).
// Every write is idempotent: a retried or duplicated job changes nothing twice.
import type { TurnRecord } from '../../src/records/turn-record.js';
import type { ToolOutcome, Verdict } from '../evaluator.js';

export interface StoredVerdict extends Verdict {
  // When it was last (re)computed (ISO).
  at: string;
}

export type AggregateDimension = 'route' | 'developer' | 'repo';

export interface AggregateRow {
  day: string;
  dimension: AggregateDimension;
  // route alias, developer or repo ('' when unknown).
  key: string;
  // Input-token bucket (lower bound; route rows only).
  bucket?: number;
  // Turns recorded and their cost (route rows only; cost of priced turns).
  turns?: number;
  costUsd?: number;
  // evaluator name → { n, sum } (mean = sum / n).
  scores: Record<string, { n: number; sum: number }>;
}

export interface ScoreStore {
  // Keeps the record (and counts it in the route aggregates) once; false if already kept.
  saveRecord(record: TurnRecord): Promise<boolean>;
  getRecord(id: string): Promise<TurnRecord | undefined>;
  getVerdicts(id: string): Promise<Record<string, StoredVerdict>>;
  // Sets (or, with null, removes) one verdict of a turn and moves the aggregates by the
  // difference; false when nothing changed.
  setVerdict(record: TurnRecord, name: string, verdict: Verdict | null): Promise<boolean>;
  // Session links (a session is Codex's session id).
  saveOutcomes(session: string, outcomes: ReadonlyMap<string, ToolOutcome>): Promise<void>;
  getOutcomes(session: string, callIds: string[]): Promise<Map<string, ToolOutcome>>;
  registerCalls(session: string, callIds: string[], turnId: string): Promise<void>;
  callOwners(session: string, callIds: string[]): Promise<Map<string, string>>;
  // The gateway turn holding a task's verdict (task: Codex's turn id), swapped atomically.
  swapTaskHolder(session: string, task: string, turnId: string): Promise<string | undefined>;
  // The session's last turn that ended a task.
  getLastTask(session: string): Promise<string | undefined>;
  setLastTask(session: string, turnId: string): Promise<void>;
  markRetried(turnId: string): Promise<void>;
  isRetried(turnId: string): Promise<boolean>;
  // Records with their verdicts, oldest first, in [since, until).
  listTurns(since: Date, until: Date): AsyncIterable<{ record: TurnRecord; verdicts: Record<string, StoredVerdict> }>;
  aggregates(dimension: AggregateDimension, since: Date, until: Date): Promise<AggregateRow[]>;
  close(): Promise<void>;
}

// UTC day of a record.
export function dayOf(at: string): string {
  return at.slice(0, 10);
}

// The aggregate cells a turn's verdicts count in: [dimension, field prefix].
export function aggregateCells(record: TurnRecord, bucket: number): [AggregateDimension, string][] {
  return [
    ['route', `${record.route.alias}|${bucket}`],
    ['developer', record.identity.developer ?? ''],
    ['repo', record.identity.repo ?? ''],
  ];
}

export function parseAggregateFields(day: string, dimension: AggregateDimension, fields: Record<string, string>): AggregateRow[] {
  const rows = new Map<string, AggregateRow>();
  for (const [field, raw] of Object.entries(fields)) {
    const parts = field.split('|');
    const metric = parts.pop()!;
    let key: string;
    let bucket: number | undefined;
    let evaluator: string | undefined;
    if (dimension === 'route') {
      // alias|bucket|turns, alias|bucket|cost, alias|bucket|<evaluator>|sum|n
      if (metric === 'sum' || metric === 'n') evaluator = parts.pop();
      bucket = Number(parts.pop());
      key = parts.join('|');
    } else {
      evaluator = parts.pop();
      key = parts.join('|');
    }
    const id = `${key}\u0000${bucket ?? ''}`;
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { day, dimension, key, ...(bucket !== undefined ? { bucket, turns: 0, costUsd: 0 } : {}), scores: {} }));
    const value = Number(raw);
    if (metric === 'turns') row.turns = value;
    else if (metric === 'cost') row.costUsd = value;
    else if (evaluator) {
      const s = (row.scores[evaluator] ??= { n: 0, sum: 0 });
      if (metric === 'n') s.n = value;
      else s.sum = value;
    }
  }
  return [...rows.values()];
}

export function daysBetween(since: Date, until: Date): string[] {
  const days: string[] = [];
  const d = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
  for (; d < until; d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  return days;
}
