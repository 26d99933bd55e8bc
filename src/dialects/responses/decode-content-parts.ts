// Responses content parts → canonical content parts, for message content and for
// tool outputs (function_call_output / custom_tool_call_output `output` arrays).
// https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
//
// `output_text.annotations` / `logprobs` on replayed assistant text are left out: they
// describe an earlier answer (citations, token scores) and no provider reads them back.
import type { ContentPart, Role, ToolOutput } from '../../canonical/types.js';
import { unsupported } from '../../http/errors.js';
import { missing } from '../shared/validate-fields.js';
import {
  badEnum,
  expectArray,
  expectObject,
  optionalEnum,
  optionalString,
  requiredString,
  wrongType,
} from './decode-checks.js';

const IMAGE_DETAILS = ['auto', 'low', 'high', 'original'] as const;

// OpenAI accepts `output_text`/`refusal` in assistant messages and `input_*` elsewhere.
const ASSISTANT_PART_TYPES = ['output_text', 'refusal', 'input_text'] as const;
const INPUT_PART_TYPES = ['input_text', 'input_image', 'input_file', 'output_text'] as const;

export function decodeMessageContent(value: unknown, role: Role, path: string): ContentPart[] {
  if (value === undefined || value === null) throw missing(path);
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const allowed = role === 'assistant' ? ASSISTANT_PART_TYPES : INPUT_PART_TYPES;
  return expectArray(value, path).map((part, i) => decodePart(part, `${path}[${i}]`, allowed));
}

// Tool outputs: a string, or a list of input_text / input_image / input_file parts.
export function decodeToolOutput(value: unknown, path: string): ToolOutput {
  if (value === undefined || value === null) throw missing(path);
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) throw wrongType(path, 'a string or an array of content parts', value);
  return value.map((part, i) => decodePart(part, `${path}[${i}]`, INPUT_PART_TYPES));
}

function decodePart(value: unknown, path: string, allowed: readonly string[]): ContentPart {
  const part = expectObject(value, path);
  const type = requiredString(part, 'type', `${path}.type`);
  if (!allowed.includes(type)) {
    if (type === 'input_audio') throw unsupported(`${path}.type`, 'audio input is not supported by the gateway');
    throw badEnum(`${path}.type`, type, allowed);
  }
  switch (type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: requiredString(part, 'text', `${path}.text`) };
    case 'refusal':
      return { type: 'refusal', text: requiredString(part, 'refusal', `${path}.refusal`) };
    case 'input_image':
      return decodeImage(part, path);
    default: // input_file
      return decodeFile(part, path);
  }
}

function decodeImage(part: Record<string, unknown>, path: string): ContentPart {
  const url = optionalString(part, 'image_url', `${path}.image_url`);
  const detail = optionalEnum(part, 'detail', `${path}.detail`, IMAGE_DETAILS);
  if (url === undefined) {
    // A `file_id` points into OpenAI's file store, which no other provider can read, and
    // the canonical image part carries only a URL (see the report: an optional
    // `fileId` on the image part would let OpenAI routes accept it).
    if (optionalString(part, 'file_id', `${path}.file_id`) !== undefined) {
      throw unsupported(`${path}.file_id`, 'images by OpenAI file id are not supported; send image_url (an https or data: URL)');
    }
    throw missing(`${path}.image_url`);
  }
  return { type: 'image', url, ...(detail ? { detail } : {}) };
}

function decodeFile(part: Record<string, unknown>, path: string): ContentPart {
  const filename = optionalString(part, 'filename', `${path}.filename`);
  const fileData = optionalString(part, 'file_data', `${path}.file_data`);
  const fileId = optionalString(part, 'file_id', `${path}.file_id`);
  const fileUrl = optionalString(part, 'file_url', `${path}.file_url`);
  if (fileData === undefined && fileId === undefined && fileUrl === undefined) throw missing(`${path}.file_data`);
  return {
    type: 'file',
    ...(filename !== undefined ? { filename } : {}),
    ...(fileData !== undefined ? { fileData } : {}),
    ...(fileId !== undefined ? { fileId } : {}),
    ...(fileUrl !== undefined ? { fileUrl } : {}),
  };
}
