// Chat message `content` → canonical content parts, per role: system, developer and
// tool messages hold text only; user messages text, images and files; assistant
// messages text and refusals.
// https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
import type { ContentPart } from '../../canonical/types.js';
import { invalidRequest, unsupported } from '../../http/errors.js';
import type { JsonObject } from '../shared/validate-fields.js';
import { onlyFields, optEnum, optString, requireObject, requireString } from './decode-chat-checks.js';

// Chat Completions knows no `original` detail (the Responses API does).
const IMAGE_DETAILS = ['auto', 'low', 'high'] as const;

export function decodeTextContent(value: unknown, path: string): ContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidRequest(path, 'must be a string or an array of text parts');
  return value.map((part, j) => {
    const p = requireObject(part, `${path}[${j}]`);
    if (p.type !== 'text') throw invalidRequest(`${path}[${j}].type`, "must be 'text'");
    return decodeTextPart(p, `${path}[${j}]`);
  });
}

export function decodeUserContent(value: unknown, path: string): ContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidRequest(path, 'must be a string or an array of content parts');
  return value.map((part, j): ContentPart => {
    const at = `${path}[${j}]`;
    const p = requireObject(part, at);
    switch (p.type) {
      case 'text':
        return decodeTextPart(p, at);
      case 'image_url':
        return decodeImagePart(p, at);
      case 'file':
        return decodeFilePart(p, at);
      case 'input_audio':
        throw unsupported(`${at}.type`, 'audio input is not supported');
      default:
        throw invalidRequest(`${at}.type`, "must be one of 'text', 'image_url', 'file'");
    }
  });
}

// Assistant content may be null (a turn of tool calls only); that is an empty list here.
export function decodeAssistantContent(value: unknown, path: string): ContentPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidRequest(path, 'must be a string, an array of content parts, or null');
  return value.map((part, j): ContentPart => {
    const at = `${path}[${j}]`;
    const p = requireObject(part, at);
    if (p.type === 'text') return decodeTextPart(p, at);
    if (p.type === 'refusal') {
      onlyFields(p, ['type', 'refusal'], at);
      return { type: 'refusal', text: requireString(p.refusal, `${at}.refusal`, true) };
    }
    throw invalidRequest(`${at}.type`, "must be 'text' or 'refusal'");
  });
}

function decodeTextPart(p: JsonObject, path: string): ContentPart {
  onlyFields(p, ['type', 'text'], path);
  return { type: 'text', text: requireString(p.text, `${path}.text`, true) };
}

function decodeImagePart(p: JsonObject, at: string): ContentPart {
  onlyFields(p, ['type', 'image_url'], at);
  const image = requireObject(p.image_url, `${at}.image_url`);
  onlyFields(image, ['url', 'detail'], `${at}.image_url`);
  const out: ContentPart = { type: 'image', url: requireString(image.url, `${at}.image_url.url`) };
  const detail = optEnum(image, 'detail', IMAGE_DETAILS, `${at}.image_url.detail`);
  if (detail) out.detail = detail;
  return out;
}

function decodeFilePart(p: JsonObject, at: string): ContentPart {
  onlyFields(p, ['type', 'file'], at);
  const file = requireObject(p.file, `${at}.file`);
  onlyFields(file, ['file_data', 'file_id', 'filename'], `${at}.file`);
  const out: ContentPart & { type: 'file' } = { type: 'file' };
  const data = optString(file, 'file_data', `${at}.file.file_data`);
  const id = optString(file, 'file_id', `${at}.file.file_id`);
  const name = optString(file, 'filename', `${at}.file.filename`);
  if (data === undefined && id === undefined) throw invalidRequest(`${at}.file`, "needs 'file_data' or 'file_id'");
  if (data !== undefined) out.fileData = data;
  if (id !== undefined) out.fileId = id;
  if (name !== undefined) out.filename = name;
  return out;
}
