// Canonical content parts → Chat Completions content parts: user message parts, and
// tool outputs, which a Chat `tool` message can only carry as text.
// https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
import type { ContentPart, ToolOutput } from '../../canonical/types.js';
import { unsupported } from '../../http/errors.js';
import type { ChatContentPart, ChatFlavor } from './chat-api.js';

export function convertUserPart(part: ContentPart, param: string, flavor: ChatFlavor, warnings: string[]): ChatContentPart {
  switch (part.type) {
    case 'text':
    case 'refusal':
      return { type: 'text', text: part.text };
    case 'image':
      return convertImage(part, param, warnings);
    case 'file': {
      if (flavor === 'mistral') {
        if (part.fileUrl) return { type: 'document_url', document_url: part.fileUrl, ...(part.filename ? { document_name: part.filename } : {}) };
        throw unsupported(param, 'Mistral takes documents by URL only (file_url); file_data and file_id cannot be sent');
      }
      if (!part.fileData && !part.fileId) {
        throw unsupported(param, 'Chat Completions takes files as file_data or file_id, not by URL');
      }
      const file: { file_id?: string; file_data?: string; filename?: string } = {};
      if (part.fileId) file.file_id = part.fileId;
      if (part.fileData) file.file_data = part.fileData;
      if (part.filename) file.filename = part.filename;
      return { type: 'file', file };
    }
  }
}

// A tool message carries text; a part list is flattened. Images go to `images` (sent in
// a user message after the tool messages) and leave a marker in the text.
export function toolOutputText(output: ToolOutput, param: string, images: ChatContentPart[], warnings: string[]): string {
  if (typeof output === 'string') return output;
  const pieces: string[] = [];
  output.forEach((part, j) => {
    switch (part.type) {
      case 'text':
      case 'refusal':
        pieces.push(part.text);
        break;
      case 'image':
        images.push(convertImage(part, `${param}[${j}]`, warnings));
        pieces.push('[image: attached in the next user message]');
        warnings.push(`${param}[${j}]: an image in a tool output was sent in a user message after the tool results`);
        break;
      case 'file':
        pieces.push(`[file${part.filename ? ` ${part.filename}` : ''}: not forwarded]`);
        warnings.push(`${param}[${j}]: a file in a tool output cannot be sent to Chat Completions; replaced by a marker`);
        break;
    }
  });
  return pieces.join('\n');
}

function convertImage(part: Extract<ContentPart, { type: 'image' }>, param: string, warnings: string[]): ChatContentPart {
  const imageUrl: { url: string; detail?: 'auto' | 'low' | 'high' } = { url: part.url };
  if (part.detail === 'original') {
    // Chat Completions knows auto | low | high.
    imageUrl.detail = 'high';
    warnings.push(`${param}.detail 'original' sent as 'high'`);
  } else if (part.detail !== undefined) {
    imageUrl.detail = part.detail;
  }
  return { type: 'image_url', image_url: imageUrl };
}
