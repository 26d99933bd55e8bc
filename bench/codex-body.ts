// A ~100k-token Codex-shaped Responses request: test/fixtures/codex/turn2-request.json with
// its history grown by repeating Codex's read-a-file loop (assistant commentary, an
// exec_command call, its output). Each output is a different slice of real source text
// (this repository's own TypeScript, then TypeScript's lib .d.ts files), so nothing is
// deduplicated. Shared by bench/route-decision.ts and bench/run.ts.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TARGET_CHARS = 370_000; // ≈ 100k o200k tokens of this kind of text

export function corpus(): { path: string; text: string }[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'test'));
  for (const lib of ['typescript.d.ts', 'lib.es5.d.ts', 'lib.dom.d.ts']) files.push(join(root, 'node_modules/typescript/lib', lib));
  return files.map((p) => ({ path: relative(root, p), text: readFileSync(p, 'utf8') }));
}

// Slice `n` of the corpus: the Codex history items reading ~TARGET_CHARS of it.
export function historyItems(n: number, files = corpus()): unknown[] {
  const chunks: { path: string; from: number; text: string }[] = [];
  for (const f of files) for (let i = 0; i < f.text.length; i += 6000) chunks.push({ path: f.path, from: i, text: f.text.slice(i, i + 6000) });
  const items: unknown[] = [];
  let chars = 0;
  let k = 0;
  for (const c of chunks) {
    if (chars >= TARGET_CHARS * (n + 1)) break;
    if (chars >= TARGET_CHARS * n) items.push(...readLoop(`${n}_${k++}`, c.path, c.from, c.text));
    chars += c.text.length;
  }
  if (chars < TARGET_CHARS * (n + 1)) throw new Error(`corpus too small for slice ${n}`);
  return items;
}

export function readLoop(id: string, path: string, from: number, text: string): unknown[] {
  const line = from === 0 ? 1 : 1 + (from >> 5);
  return [
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `Reading ${path} from line ${line} to see how it fits the rest.` }] },
    { type: 'function_call', name: 'exec_command', arguments: JSON.stringify({ cmd: `sed -n '${line},+200p' ${path}`, workdir: '/home/dev/project' }), call_id: `call_${id}` },
    { type: 'function_call_output', call_id: `call_${id}`, output: `Chunk ID: ${id}\nWall time: 0.0012 seconds\nProcess exited with code 0\nOriginal token count: ${text.length >> 2}\nOutput:\n${text}` },
  ];
}

export function codexBody(history: unknown[]): { headers: Record<string, string>; body: Record<string, unknown> } {
  const capture = JSON.parse(readFileSync(join(root, 'test/fixtures/codex/turn2-request.json'), 'utf8'));
  const input = capture.body.input as unknown[];
  // The capture's prompt (developer and user messages), the grown history, then its own last turn.
  return { headers: capture.headers, body: { ...capture.body, input: [...input.slice(0, 4), ...history, ...input.slice(4)] } };
}
