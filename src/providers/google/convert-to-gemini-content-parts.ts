// Canonical content parts → Gemini parts: user text, images and files, and tool outputs.
// https://ai.google.dev/api/caching#Part
//
// - A `data:` URL becomes `inlineData` (base64 with its MIME type).
// - An http(s) URL becomes `fileData` (`fileUri` + `mimeType`): the Gemini API fetches
//   public and signed HTTPS URLs itself (https://ai.google.dev/gemini-api/docs/file-input-methods),
//   as Vertex AI does (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Content#FileData).
//   The MIME type comes from the file extension; an image URL without one is sent as
//   image/jpeg, with a warning.
// - OpenAI file ids mean nothing to Google: refused with a 400 naming the part.
import type { ContentPart, ToolOutput } from '../../canonical/types.js';
import { unsupported } from '../../http/errors.js';
import type { GeminiPart } from './gemini-api.js';

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  csv: 'text/csv',
  json: 'application/json',
};

export function convertUserPart(part: ContentPart, param: string, warnings: string[]): GeminiPart {
  switch (part.type) {
    case 'text':
    case 'refusal':
      return { text: part.text };
    case 'image':
      if (part.detail !== undefined && part.detail !== 'auto') {
        warnings.push(`${param}.detail '${part.detail}' not sent: Gemini sets image resolution per request, not per image`);
      }
      return urlPart(part.url, 'image/jpeg', param, warnings);
    case 'file':
      if (part.fileData) return urlPart(part.fileData, mimeFromName(part.filename) ?? 'application/pdf', param, warnings, part.filename);
      if (part.fileUrl) return urlPart(part.fileUrl, mimeFromName(part.filename) ?? 'application/pdf', param, warnings);
      throw unsupported(param, 'Gemini takes files as file_data or file_url; an OpenAI file_id cannot be read by Google');
  }
}

function urlPart(url: string, fallbackMime: string, param: string, warnings: string[], filename?: string): GeminiPart {
  const data = /^data:([^;,]+)?((?:;[^;,]*)*?);base64,(.*)$/s.exec(url);
  if (data) return { inlineData: { mimeType: data[1] || fallbackMime, data: data[3] } };
  if (url.startsWith('data:')) throw unsupported(param, 'a data: URL must be base64-encoded for Gemini');
  if (/^https?:\/\//i.test(url) || url.startsWith('gs://')) {
    let mimeType = mimeFromName(filename) ?? mimeFromName(pathOf(url));
    if (mimeType === undefined) {
      mimeType = fallbackMime;
      warnings.push(`${param}: the file type of ${truncate(url)} is not known from its name; sent to Gemini as ${fallbackMime}`);
    }
    return { fileData: { mimeType, fileUri: url } };
  }
  // A bare base64 string (Responses `file_data` without the data: prefix).
  if (/^[A-Za-z0-9+/=\s]+$/.test(url)) return { inlineData: { mimeType: fallbackMime, data: url.replace(/\s+/g, '') } };
  throw unsupported(param, 'Gemini takes images and files as data: URLs or http(s) URLs');
}

// A tool output as a functionResponse `response` ("output" key, as Google recommends), and
// the images it held, which go after the responses as parts of the same user turn.
export function toolOutputResponse(output: ToolOutput, param: string, warnings: string[]): { response: Record<string, unknown>; media: GeminiPart[] } {
  if (typeof output === 'string') return { response: { output }, media: [] };
  const pieces: string[] = [];
  const media: GeminiPart[] = [];
  output.forEach((part, j) => {
    switch (part.type) {
      case 'text':
      case 'refusal':
        pieces.push(part.text);
        break;
      case 'image':
      case 'file':
        media.push(convertUserPart(part, `${param}[${j}]`, warnings));
        pieces.push(`[${part.type}: attached after the tool results]`);
        warnings.push(`${param}[${j}]: a ${part.type} in a tool output was sent as a part after the function responses`);
        break;
    }
  });
  return { response: { output: pieces.join('\n') }, media };
}

function mimeFromName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return ext ? MIME_BY_EXTENSION[ext] : undefined;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function truncate(url: string): string {
  return url.length > 80 ? `${url.slice(0, 77)}...` : url;
}
