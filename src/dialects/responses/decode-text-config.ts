// Responses `text` ({format, verbosity}) and `reasoning` ({effort, summary}) → canonical.
// https://platform.openai.com/docs/api-reference/responses/create#responses-create-text
// https://platform.openai.com/docs/api-reference/responses/create#responses-create-reasoning
//
// Keys these objects do not know are ignored with a warning rather than refused:
// OpenAI adds knobs here often (Codex sends `text.verbosity` only since gpt-5), and a
// new Codex release must not break on a nested field the gateway has not learnt yet.
import type { ReasoningEffort, Request, ResponseFormat } from '../../canonical/types.js';
import { missing, optional, type JsonObject } from '../shared/validate-fields.js';
import {
  badEnum,
  expectObject,
  optionalBoolean,
  optionalEnum,
  optionalString,
  requiredString,
} from './decode-checks.js';

const EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];
const SUMMARIES = ['auto', 'concise', 'detailed', 'none'] as const;
const VERBOSITIES = ['low', 'medium', 'high'] as const;

export interface DecodedText {
  responseFormat?: ResponseFormat;
  verbosity?: Request['verbosity'];
  warnings: string[];
}

export function decodeText(value: unknown): DecodedText {
  if (value === undefined || value === null) return { warnings: [] };
  const text = expectObject(value, 'text');
  return {
    ...optional('responseFormat', decodeFormat(text.format)),
    ...optional('verbosity', optionalEnum(text, 'verbosity', 'text.verbosity', VERBOSITIES)),
    warnings: unknownKeys(text, 'text', ['format', 'verbosity']),
  };
}

function decodeFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = expectObject(value, 'text.format');
  const type = requiredString(format, 'type', 'text.format.type');
  switch (type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      if (format.schema === undefined || format.schema === null) throw missing('text.format.schema');
      return {
        type: 'json_schema',
        name: requiredString(format, 'name', 'text.format.name'),
        schema: expectObject(format.schema, 'text.format.schema'),
        ...optional('strict', optionalBoolean(format, 'strict', 'text.format.strict')),
        ...optional('description', optionalString(format, 'description', 'text.format.description')),
      };
    }
    default:
      throw badEnum('text.format.type', type, ['text', 'json_object', 'json_schema']);
  }
}

export interface DecodedReasoning {
  reasoning?: Request['reasoning'];
  warnings: string[];
}

export function decodeReasoningConfig(value: unknown): DecodedReasoning {
  if (value === undefined || value === null) return { warnings: [] };
  const obj = expectObject(value, 'reasoning');
  const effort = optionalEnum(obj, 'effort', 'reasoning.effort', EFFORTS);
  // `generate_summary` is the deprecated spelling of `summary`.
  const summary =
    optionalEnum(obj, 'summary', 'reasoning.summary', SUMMARIES) ??
    optionalEnum(obj, 'generate_summary', 'reasoning.generate_summary', SUMMARIES);
  const reasoning = { ...optional('effort', effort), ...optional('summary', summary) };
  return {
    ...(Object.keys(reasoning).length > 0 ? { reasoning } : {}),
    warnings: unknownKeys(obj, 'reasoning', ['effort', 'summary', 'generate_summary']),
  };
}

function unknownKeys(obj: JsonObject, path: string, known: string[]): string[] {
  return Object.keys(obj)
    .filter((k) => !known.includes(k) && obj[k] !== null && obj[k] !== undefined)
    .map((k) => `${path}.${k} ignored: not understood by the gateway`);
}
