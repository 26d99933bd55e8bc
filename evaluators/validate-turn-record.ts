// A job's data must be a turn record this worker can read; anything else can never
// succeed, so it is refused at once (BullMQ UnrecoverableError), not retried.
import { TURN_RECORD_VERSION, type TurnRecord } from '../src/records/turn-record.js';

export class MalformedRecordError extends Error {
  override name = 'MalformedRecordError';
}

const STATUSES = new Set(['completed', 'incomplete', 'failed', 'client_closed']);

export function validateTurnRecord(data: unknown): TurnRecord {
  const fail = (field: string, why: string): never => {
    throw new MalformedRecordError(`malformed turn record: ${field} ${why}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('(record)', 'is not an object');
  const r = data as Record<string, any>;
  if (r.v !== TURN_RECORD_VERSION) fail('v', `is ${JSON.stringify(r.v)}, this worker reads version ${TURN_RECORD_VERSION}`);
  if (typeof r.id !== 'string' || r.id === '') fail('id', 'must be a non-empty string');
  if (typeof r.at !== 'string' || Number.isNaN(Date.parse(r.at))) fail('at', 'must be an ISO date');
  if (typeof r.route !== 'object' || r.route === null || typeof r.route.alias !== 'string') fail('route.alias', 'must be a string');
  if (typeof r.identity !== 'object' || r.identity === null) fail('identity', 'must be an object');
  if (!STATUSES.has(r.status)) fail('status', `must be one of ${[...STATUSES].join(', ')}`);
  for (const list of ['toolsOffered', 'toolCalls', 'toolOutputs', 'removedTools', 'warnings'])
    if (!Array.isArray(r[list])) fail(list, 'must be an array');
  for (const [i, c] of (r.toolCalls as any[]).entries())
    if (typeof c?.callId !== 'string' || typeof c?.name !== 'string' || typeof c?.arguments !== 'string') fail(`toolCalls[${i}]`, 'needs callId, name and arguments strings');
  for (const [i, o] of (r.toolOutputs as any[]).entries())
    if (typeof o?.callId !== 'string' || typeof o?.output !== 'string') fail(`toolOutputs[${i}]`, 'needs callId and output strings');
  if (typeof r.finalTextLength !== 'number') fail('finalTextLength', 'must be a number');
  return r as TurnRecord;
}
