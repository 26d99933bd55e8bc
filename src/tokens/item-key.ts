// A stable key for an item's content, so a session's memo recognises the history Codex
// resends every turn. SHA-1 through node:crypto's one-shot `hash` (native: about 0.8 ms
// for 450 KB of history, 100k tokens, on this machine); a collision could only misstate
// an estimate, never leak or corrupt content.
import { hash } from 'node:crypto';
import type { ContentPart, Item, ToolOutput } from '../canonical/types.js';

const SEP = '\u0001';

export function itemKey(item: Item): string {
  return hash('sha1', itemText(item), 'base64');
}

export function textKey(kind: string, text: string): string {
  return hash('sha1', kind + SEP + text, 'base64');
}

function itemText(item: Item): string {
  switch (item.type) {
    case 'message':
      return `m${SEP}${item.role}${SEP}${partsText(item.content)}`;
    case 'function_call':
      return `f${SEP}${item.namespace ?? ''}${SEP}${item.name}${SEP}${item.arguments}`;
    case 'custom_tool_call':
      return `c${SEP}${item.name}${SEP}${item.input}`;
    case 'function_call_output':
    case 'custom_tool_call_output':
      return `o${SEP}${outputText(item.output)}`;
    case 'reasoning':
      return `r${SEP}${item.summary.join(SEP)}${SEP}${SEP}${(item.content ?? []).join(SEP)}`;
  }
}

function outputText(output: ToolOutput): string {
  return typeof output === 'string' ? `s${SEP}${output}` : `p${SEP}${partsText(output)}`;
}

function partsText(parts: readonly ContentPart[]): string {
  let s = '';
  for (const p of parts) {
    switch (p.type) {
      case 'text':
      case 'refusal':
        s += `${p.type}${SEP}${p.text}${SEP}`;
        break;
      case 'image':
        s += `image${SEP}${p.detail ?? ''}${SEP}${p.url}${SEP}`;
        break;
      case 'file':
        s += `file${SEP}${p.filename ?? ''}${SEP}${p.fileId ?? p.fileUrl ?? p.fileData ?? ''}${SEP}`;
        break;
    }
  }
  return s;
}
