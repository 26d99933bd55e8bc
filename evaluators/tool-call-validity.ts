// tool_call_validity: did the model call tools the request offered, with arguments the
// tool accepts, and did they work? Judged per call from the record (offered tools with
// the called ones' schemas) and, once the session's next request arrives, from the
// outcomes its tool outputs reported. Score: the share of valid calls.
import AjvImport from 'ajv';
import type { ErrorObject } from 'ajv';
import type { Evaluator, ToolOutcome, Verdict } from './evaluator.js';
import { parseApplyPatch } from './parse-apply-patch.js';
import { qualifiedName, type OfferedTool, type RecordedToolCall, type TurnRecord } from '../src/records/turn-record.js';

// ajv ships CommonJS; under NodeNext its default export is the namespace.
const Ajv = ((AjvImport as unknown as { default?: typeof AjvImport }).default ?? AjvImport) as unknown as new (opts: object) => {
  compile(schema: object): Validator;
  errorsText(errors?: ErrorObject[] | null, opts?: { separator?: string; dataVar?: string }): string;
};
type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

// Clients' schemas are not ours to police: unknown keywords and formats are ignored,
// and ajv must not log to the worker's stdout.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
// Compiled once per distinct schema; null: the schema itself does not compile (the
// client's problem, not the model's: the check is skipped). Bounded: schemas are few.
const validators = new Map<string, Validator | null>();
const MAX_VALIDATORS = 500;

export interface CallVerdict {
  callId: string;
  name: string;
  valid: boolean;
  reasons: string[];
  outcome?: ToolOutcome;
}

export const toolCallValidity: Evaluator = {
  name: 'tool_call_validity',
  // The next request's tool outputs can turn a well-formed call into a failed one.
  reevaluateOn: ['outcomes'],
  evaluate(record, ctx): Verdict | undefined {
    if (record.toolCalls.length === 0) return undefined;
    const calls = record.toolCalls.map((call): CallVerdict => {
      const reasons = checkCall(call, record.toolsOffered);
      const outcome = ctx.outcomes.get(call.callId);
      if (outcome?.ok === false) reasons.push(`next request reported ${outcome.reason}`);
      return { callId: call.callId, name: qualifiedName(call), valid: reasons.length === 0, reasons, ...(outcome ? { outcome } : {}) };
    });
    const valid = calls.filter((c) => c.valid).length;
    const score = valid / calls.length;
    const problems = calls.filter((c) => !c.valid).map((c) => `${c.name}: ${c.reasons.join('; ')}`);
    return {
      name: 'tool_call_validity',
      score,
      label: score === 1 ? 'valid' : score === 0 ? 'invalid' : 'partially_valid',
      explanation: `${valid} of ${calls.length} call${calls.length === 1 ? '' : 's'} valid${problems.length ? `; ${problems.join('; ')}` : ''}`,
      details: { calls },
    };
  },
};

// What is wrong with one call, judged from the record alone.
function checkCall(call: RecordedToolCall, offered: OfferedTool[]): string[] {
  const sameName = offered.filter((t) => t.name === call.name && (t.namespace ?? '') === (call.namespace ?? ''));
  const tool = sameName.find((t) => t.type === call.kind);
  if (!tool) {
    const other = sameName[0];
    return [other ? `unknown tool: ${qualifiedName(call)} was offered as a ${other.type} tool, called as ${call.kind}` : `unknown tool: ${qualifiedName(call)} was not offered`];
  }
  if (call.kind === 'custom') {
    if (call.name !== 'apply_patch') return [];
    const patch = parseApplyPatch(call.arguments);
    return patch.ok ? [] : [`apply_patch input is not a valid patch: ${patch.reason}`];
  }
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch (err) {
    return [`arguments are not valid JSON: ${(err as Error).message}`];
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return [`arguments are not valid JSON: expected an object, got ${args === null ? 'null' : Array.isArray(args) ? 'an array' : typeof args}`];
  if (!tool.parameters) return [];
  const validate = validatorFor(tool.parameters);
  if (!validate || validate(args)) return [];
  const errors = (validate.errors ?? []).slice(0, 3);
  return [`arguments do not match the schema: ${ajv.errorsText(errors, { separator: '; ', dataVar: 'arguments' })}`];
}

function validatorFor(schema: Record<string, unknown>): Validator | null {
  const key = JSON.stringify(schema);
  if (validators.has(key)) return validators.get(key)!;
  if (validators.size >= MAX_VALIDATORS) validators.clear();
  let validate: Validator | null;
  try {
    // A `$schema` naming a draft ajv was not set up for would fail the compile.
    const { $schema: _ignored, ...rest } = schema;
    validate = ajv.compile(rest);
  } catch {
    validate = null;
  }
  validators.set(key, validate);
  return validate;
}
