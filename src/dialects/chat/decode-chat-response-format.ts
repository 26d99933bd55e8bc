// Chat `response_format` → canonical response format (text, json_object, json_schema).
// https://platform.openai.com/docs/api-reference/chat/create#chat-create-response_format
import type { ResponseFormat } from '../../canonical/types.js';
import { invalidRequest } from '../../http/errors.js';
import { onlyFields, optBoolean, optString, requireObject, requireString } from './decode-chat-checks.js';

export function decodeChatResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = requireObject(value, 'response_format');
  if (format.type === 'text' || format.type === 'json_object') {
    onlyFields(format, ['type'], 'response_format');
    return { type: format.type };
  }
  if (format.type === 'json_schema') {
    onlyFields(format, ['type', 'json_schema'], 'response_format');
    const js = requireObject(format.json_schema, 'response_format.json_schema');
    onlyFields(js, ['name', 'schema', 'strict', 'description'], 'response_format.json_schema');
    const out: ResponseFormat = {
      type: 'json_schema',
      name: requireString(js.name, 'response_format.json_schema.name'),
      // Optional for OpenAI, but without a schema no other provider can constrain output.
      schema: requireObject(js.schema, 'response_format.json_schema.schema'),
    };
    const strict = optBoolean(js, 'strict', 'response_format.json_schema.strict');
    if (strict !== undefined) out.strict = strict;
    const description = optString(js, 'description', 'response_format.json_schema.description');
    if (description !== undefined) out.description = description;
    return out;
  }
  throw invalidRequest('response_format.type', "must be 'text', 'json_object' or 'json_schema'");
}
