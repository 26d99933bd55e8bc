// A Responses `custom` tool (freeform input, e.g. Codex's `apply_patch` with a Lark
// grammar, https://platform.openai.com/docs/guides/function-calling#custom-tools) exists
// only at OpenAI. Elsewhere it becomes a function with ONE string parameter `input`, and
// the grammar goes into the description so the model knows the syntax it must write.
// The model's JSON arguments `{"input":"…"}` are turned back into the raw input, streamed:
// Codex shows an apply_patch as it is being written, so we decode as fragments arrive.
import type { JsonSchema, Tool } from '../../canonical/types.js';

export type CustomTool = Extract<Tool, { type: 'custom' }>;

export const CUSTOM_INPUT_FIELD = 'input';

export function wrapCustomTool(tool: CustomTool): { description: string; parameters: JsonSchema } {
  const lines: string[] = [];
  if (tool.description) lines.push(tool.description, '');
  lines.push(
    `This tool takes free-form text, not JSON fields: put the complete text, exactly as the tool expects it, in the single string argument \`${CUSTOM_INPUT_FIELD}\`.`,
  );
  const format = tool.format;
  if (format?.type === 'grammar') {
    const what = format.syntax === 'lark' ? 'this Lark grammar' : 'this regular expression';
    lines.push(`The text must follow ${what}:`, '```' + format.syntax, format.definition, '```');
  }
  return {
    description: lines.join('\n'),
    parameters: {
      type: 'object',
      properties: {
        [CUSTOM_INPUT_FIELD]: { type: 'string', description: `The raw input of the ${tool.name} tool.` },
      },
      required: [CUSTOM_INPUT_FIELD],
      additionalProperties: false,
    },
  };
}

// History: a `custom_tool_call`'s raw input → the JSON arguments of the wrapped function.
export function wrapCustomInput(input: string): string {
  return JSON.stringify({ [CUSTOM_INPUT_FIELD]: input });
}

// The whole arguments at once (non-streamed use, tests).
export function unwrapCustomArguments(args: string): string {
  const d = createCustomInputDecoder();
  return d.push(args) + d.end();
}

export interface CustomInputDecoder {
  // A fragment of the JSON arguments in; the raw input decoded so far out (maybe '').
  push(fragment: string): string;
  // End of the arguments: whatever is still owed (the whole value in fallback mode).
  end(): string;
}

// Expected prefix, matched character by character: ws `{` ws `"input"` ws `:` ws `"`.
const PREFIX = ['{', '"', 'i', 'n', 'p', 'u', 't', '"', ':', '"'];
const SKIP_WS_BEFORE = new Set([0, 1, 8, 9]); // positions where JSON allows whitespace
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

// Streams the raw value of `{"input": "…"}` as its JSON string is decoded: escapes split
// across fragments (`\` at the end of one, `n` at the start of the next), `\uXXXX`, and
// surrogate pairs (a high surrogate is held until its low half arrives, so no delta ever
// carries half a character). Anything else (other keys first, a bare string, the raw text
// without JSON) switches to fallback: nothing is emitted until `end()`, which then returns
// the best value it can find, or the raw text itself, so nothing is lost.
export function createCustomInputDecoder(): CustomInputDecoder {
  type Mode = 'prefix' | 'string' | 'escape' | 'unicode' | 'after' | 'fallback';
  let mode: Mode = 'prefix';
  let prefixPos = 0;
  let raw = ''; // everything received, for the fallback
  let hex = '';
  let pendingHigh = ''; // a high surrogate waiting for its low half

  const emitUnit = (unit: string, out: string[]) => {
    const code = unit.charCodeAt(0);
    if (pendingHigh) {
      const high = pendingHigh;
      pendingHigh = '';
      if (code >= 0xdc00 && code <= 0xdfff) {
        out.push(high + unit);
        return;
      }
      out.push(high); // a lone high surrogate: pass it on rather than drop it
    }
    if (unit.length === 1 && code >= 0xd800 && code <= 0xdbff) pendingHigh = unit;
    else out.push(unit);
  };

  return {
    push(fragment) {
      raw += fragment;
      const out: string[] = [];
      for (let i = 0; i < fragment.length; i++) {
        const ch = fragment[i];
        switch (mode) {
          case 'prefix':
            if (SKIP_WS_BEFORE.has(prefixPos) && isJsonWhitespace(ch)) break;
            if (ch === PREFIX[prefixPos]) {
              prefixPos++;
              if (prefixPos === PREFIX.length) mode = 'string';
            } else mode = 'fallback';
            break;
          case 'string':
            if (ch === '\\') mode = 'escape';
            else if (ch === '"') mode = 'after';
            else emitUnit(ch, out);
            break;
          case 'escape':
            if (ch === 'u') {
              mode = 'unicode';
              hex = '';
            } else {
              // An unknown escape is invalid JSON; keep the character rather than lose it.
              emitUnit(SIMPLE_ESCAPES[ch] ?? ch, out);
              mode = 'string';
            }
            break;
          case 'unicode':
            hex += ch;
            if (hex.length === 4) {
              const code = Number.parseInt(hex, 16);
              emitUnit(Number.isNaN(code) ? `\\u${hex}` : String.fromCharCode(code), out);
              mode = 'string';
            }
            break;
          case 'after':
          case 'fallback':
            break;
        }
      }
      return out.join('');
    },
    end() {
      if (mode === 'fallback' || mode === 'prefix') return bestValue(raw);
      let rest = pendingHigh;
      pendingHigh = '';
      // Cut off inside an escape (a truncated stream): keep what was there.
      if (mode === 'escape') rest += '\\';
      if (mode === 'unicode') rest += `\\u${hex}`;
      mode = 'after';
      return rest;
    },
  };
}

function isJsonWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t';
}

// The model did not write `{"input": "…"}` as expected. Find the most plausible raw input.
function bestValue(raw: string): string {
  if (raw.trim() === '') return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return raw; // not JSON at all: most likely the raw text itself
  }
  for (let depth = 0; depth < 2; depth++) {
    if (typeof parsed === 'string') {
      const text: string = parsed;
      // A JSON string; maybe the arguments were encoded twice.
      try {
        const inner: unknown = JSON.parse(text);
        if (inner !== null && typeof inner === 'object') {
          parsed = inner;
          continue;
        }
      } catch {
        // not nested JSON
      }
      return text;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const obj = parsed as Record<string, unknown>;
      if (typeof obj[CUSTOM_INPUT_FIELD] === 'string') return obj[CUSTOM_INPUT_FIELD] as string;
      const strings = Object.values(obj).filter((v): v is string => typeof v === 'string');
      if (strings.length === 1) return strings[0];
    }
    break;
  }
  return raw;
}
