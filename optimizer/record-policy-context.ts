// What the routing rules would have seen of a recorded turn: the policy context rebuilt
// from the turn record. Records do not keep headers, images or the reasoning effort, so
// `header(…)` reads '' , has_images is false and reasoning_effort null.
import type { TurnRecord } from '../src/records/turn-record.js';
import { recordInputTokens } from '../src/records/input-token-bucket.js';
import type { PolicyContext } from '../src/routing/policy/policy-vocabulary.js';

export function policyContextFromRecord(record: TurnRecord, inputTokens: number = recordInputTokens(record)): PolicyContext {
  const offered = record.toolsOffered ?? [];
  const removed = record.removedTools ?? [];
  const tools = new Set<string>(removed);
  for (const t of offered) {
    tools.add(t.name);
    if (t.namespace) {
      tools.add(t.namespace);
      tools.add(`${t.namespace}.${t.name}`);
      tools.add(`${t.namespace}__${t.name}`);
    }
  }
  return {
    input_tokens: inputTokens,
    model: record.route?.requested ?? '',
    request_kind: record.session?.requestKind ?? 'turn',
    developer: record.identity?.developer ?? '',
    team: record.identity?.team ?? '',
    repo: record.identity?.repo ?? '',
    tools_count: offered.length + removed.length,
    has_images: false,
    reasoning_effort: null,
    stream: record.stream,
    tools,
    headers: {},
  };
}

// The variables and functions a condition uses that turn records do not keep.
export const UNRECORDED_POLICY_NAMES = ['header', 'has_images', 'reasoning_effort'] as const;
