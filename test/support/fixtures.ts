// Loads the recorded provider streams copied from the Vercel AI SDK (see
// test/fixtures/README.md and NOTICE) and the Codex CLI captures.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function fixturePath(relative: string): string {
  return join(FIXTURES_DIR, relative);
}

export function readFixture(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

export function readJsonFixture<T = any>(relative: string): T {
  return JSON.parse(readFixture(relative)) as T;
}

// One parsed JSON object per non-empty line of a `*.chunks.txt` file.
export function readChunks(relative: string): any[] {
  return readFixture(relative)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

// Rebuilds the wire frames of a `*.chunks.txt` recording, as fixtures/README.md says:
// `named` adds `event: <type>` lines (Anthropic, OpenAI Responses); `done` appends
// the Chat Completions `[DONE]` sentinel; `crlf` uses Google's `\r\n\r\n` framing.
export function chunksToSseFrames(
  relative: string,
  opts: { named?: boolean; done?: boolean; crlf?: boolean } = {},
): string[] {
  const nl = opts.crlf ? '\r\n' : '\n';
  const lines = readFixture(relative)
    .split('\n')
    .filter((l) => l.trim() !== '');
  const frames = lines.map((l) =>
    opts.named ? `event: ${JSON.parse(l).type}${nl}data: ${l}${nl}${nl}` : `data: ${l}${nl}${nl}`,
  );
  if (opts.done) frames.push(`data: [DONE]${nl}${nl}`);
  return frames;
}

// A Codex CLI capture: { headers, body } of one POST /v1/responses.
export function readCodexRequest(name: string): { headers: Record<string, string>; body: any } {
  return readJsonFixture(join('codex', name));
}
