// Canonical content parts → Anthropic content blocks: user message parts and tool outputs.
// Images: https://docs.anthropic.com/en/docs/build-with-claude/vision (base64 with
// image/jpeg|png|gif|webp, or a URL). Files: https://docs.anthropic.com/en/docs/build-with-claude/pdf-support
// (PDF as base64 or URL, plain text as a text document). Tool results carry text, image and
// document blocks: https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use
import type { ContentPart, ToolOutput } from '../../canonical/types.js';
import { unsupported } from '../../http/errors.js';
import type { DocumentBlock, ImageBlock, TextBlock, ToolResultBlock } from './anthropic-api.js';

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const DATA_URL = /^data:([^;,]+)?((?:;[^;,]*)*?);base64,(.*)$/s;

export type UserContentBlock = TextBlock | ImageBlock | DocumentBlock;

// `undefined` for an empty text part: Anthropic refuses empty text blocks.
export function convertUserPart(part: ContentPart, param: string, warnings: string[]): UserContentBlock | undefined {
  switch (part.type) {
    case 'text':
      return part.text === '' ? undefined : { type: 'text', text: part.text };
    case 'refusal':
      return part.text === '' ? undefined : { type: 'text', text: part.text };
    case 'image':
      return convertImage(part, param, warnings);
    case 'file':
      return convertFile(part, param);
  }
}

// A tool result's `content`: a string as it is, parts as blocks. An empty output leaves
// `content` out (it is optional; an empty text block would be refused).
export function convertToolOutput(output: ToolOutput, param: string, warnings: string[]): ToolResultBlock['content'] {
  if (typeof output === 'string') return output === '' ? undefined : output;
  const blocks = output
    .map((part, j) => convertUserPart(part, `${param}[${j}]`, warnings))
    .filter((b): b is UserContentBlock => b !== undefined);
  return blocks.length > 0 ? blocks : undefined;
}

function convertImage(part: Extract<ContentPart, { type: 'image' }>, param: string, warnings: string[]): ImageBlock {
  if (part.detail !== undefined && part.detail !== 'auto') {
    warnings.push(`${param}.detail '${part.detail}' not sent: Anthropic sizes images itself`);
  }
  const data = DATA_URL.exec(part.url);
  if (data) {
    const mediaType = (data[1] ?? '').toLowerCase();
    if (!IMAGE_TYPES.has(mediaType)) {
      throw unsupported(`${param}.image_url`, `Anthropic takes image/jpeg, image/png, image/gif or image/webp, not '${mediaType || 'unknown'}'`);
    }
    return { type: 'image', source: { type: 'base64', media_type: mediaType, data: data[3] } };
  }
  if (/^https?:\/\//i.test(part.url)) return { type: 'image', source: { type: 'url', url: part.url } };
  throw unsupported(`${param}.image_url`, 'Anthropic takes images as an https URL or a base64 data: URL');
}

function convertFile(part: Extract<ContentPart, { type: 'file' }>, param: string): DocumentBlock {
  const title = part.filename !== undefined ? { title: part.filename } : {};
  if (part.fileData !== undefined) {
    const data = DATA_URL.exec(part.fileData);
    const mediaType = (data?.[1] ?? '').toLowerCase();
    if (data && mediaType === 'application/pdf') {
      return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: data[3] }, ...title };
    }
    if (data && mediaType.startsWith('text/')) {
      const text = Buffer.from(data[3], 'base64').toString('utf8');
      return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title };
    }
    throw unsupported(`${param}.file_data`, 'Anthropic takes files as a base64 data: URL of a PDF (application/pdf) or of plain text');
  }
  if (part.fileUrl !== undefined) return { type: 'document', source: { type: 'url', url: part.fileUrl }, ...title };
  throw unsupported(`${param}.file_id`, 'an OpenAI file id cannot be read by Anthropic; send file_data or file_url');
}
