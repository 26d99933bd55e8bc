// Vertex AI streamed function-call arguments (`partialArgs`) → the arguments object.
// https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/function-calling#streaming-arguments
//
// Each piece names a JSON path (`$.recipe.ingredients[0].name`) and a value
// (`stringValue`, `numberValue`, `boolValue`, `nullValue`). A string may arrive in several
// pieces: a piece with `willContinue: true` is followed by more of the same string, and
// the string ends with a piece without it (often `stringValue: ""`), as recorded in
// google-stream-tool-call-arguments.chunks.txt and the nested Vertex recording.
import type { GeminiPartialArg } from './gemini-api.js';

type Segment = string | number;

export class PartialArgsAssembler {
  private readonly root: Record<string, unknown> = {};
  // Paths of strings that are still being written.
  private readonly openStrings = new Set<string>();

  apply(pieces: GeminiPartialArg[]): void {
    for (const piece of pieces) {
      if (typeof piece?.jsonPath !== 'string') continue;
      const path = parseJsonPath(piece.jsonPath);
      if (!path || path.length === 0) continue;
      if (typeof piece.stringValue === 'string') {
        const current = get(this.root, path);
        const append = this.openStrings.has(piece.jsonPath) && typeof current === 'string';
        set(this.root, path, append ? current + piece.stringValue : piece.stringValue);
        if (piece.willContinue === true) this.openStrings.add(piece.jsonPath);
        else this.openStrings.delete(piece.jsonPath);
      } else if (typeof piece.numberValue === 'number') set(this.root, path, piece.numberValue);
      else if (typeof piece.boolValue === 'boolean') set(this.root, path, piece.boolValue);
      else if ('nullValue' in piece) set(this.root, path, null);
    }
  }

  value(): Record<string, unknown> {
    return this.root;
  }
}

// `$`, `.name`, `[3]`, `['name']` / `["name"]`.
export function parseJsonPath(path: string): Segment[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const out: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === '.') {
      const match = /^\.([^.[]+)/.exec(path.slice(i));
      if (!match) return undefined;
      out.push(match[1]);
      i += match[0].length;
    } else if (path[i] === '[') {
      const match = /^\[(?:(\d+)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(path.slice(i));
      if (!match) return undefined;
      out.push(match[1] !== undefined ? Number(match[1]) : (match[2] ?? match[3]).replace(/\\(.)/g, '$1'));
      i += match[0].length;
    } else return undefined;
  }
  return out;
}

function get(root: Record<string, unknown>, path: Segment[]): unknown {
  let node: unknown = root;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

function set(root: Record<string, unknown>, path: Segment[], value: unknown): void {
  let node: Record<string | number, unknown> = root;
  path.forEach((seg, i) => {
    if (i === path.length - 1) {
      node[seg] = value;
      return;
    }
    const nextIsIndex = typeof path[i + 1] === 'number';
    const child = node[seg];
    if (child === null || typeof child !== 'object' || Array.isArray(child) !== nextIsIndex) node[seg] = nextIsIndex ? [] : {};
    node = node[seg] as Record<string | number, unknown>;
  });
}
