// Parses the input of Codex's freeform `apply_patch` tool, so an evaluator can tell a
// well-formed patch from a broken one without touching the filesystem. Follows Codex's
// own parser (codex-rs/apply-patch/src/parser.rs, lenient mode): markers may carry
// surrounding whitespace, blank lines between hunks are skipped, the first hunk of an
// Update File may omit its `@@`, and a heredoc wrapper (`<<'EOF'` … `EOF`, with or
// without a leading `apply_patch`) is stripped. Two rules follow the Lark grammar Codex
// sends with the tool instead of its parser, which accepts both: a patch needs at least
// one file operation, and an Add File at least one `+` line.

export type PatchOp = 'add' | 'delete' | 'update';

export interface PatchHunk {
  // The text after `@@ ` (a line locating the hunk), when given.
  context?: string;
  // The hunk's lines with their ' ', '+' or '-' marker (Add File: its '+' lines).
  lines: string[];
  endOfFile?: boolean;
}

export interface PatchFile {
  op: PatchOp;
  path: string;
  moveTo?: string;
  hunks: PatchHunk[];
}

export type ParsedPatch = { ok: true; files: PatchFile[] } | { ok: false; reason: string };

const BEGIN = '*** Begin Patch';
const END = '*** End Patch';
const ADD = '*** Add File: ';
const DELETE = '*** Delete File: ';
const UPDATE = '*** Update File: ';
const MOVE = '*** Move to: ';
const EOF_MARKER = '*** End of File';
const HEREDOC_START = /^(?:apply_patch\s+)?<<\s*(['"]?)EOF\1$/;

export function parseApplyPatch(input: string): ParsedPatch {
  let lines = input.trim().split(/\r?\n/);
  // Line numbers in reasons count from the patch's first line, as the model wrote it.
  let offset = input.slice(0, input.length - input.trimStart().length).split('\n').length - 1;
  if (lines.length >= 4 && HEREDOC_START.test(lines[0].trim()) && lines[lines.length - 1].trim().endsWith('EOF')) {
    lines = lines.slice(1, -1);
    offset += 1;
  }
  if (lines[0]?.trim() !== BEGIN) return fail(`missing '${BEGIN}' on the first line`);
  if (lines.length < 2 || lines[lines.length - 1].trim() !== END) return fail(`missing '${END}' on the last line`);

  const body = lines.slice(1, -1);
  const lineNo = (i: number) => offset + i + 2;
  const files: PatchFile[] = [];
  let i = 0;
  while (i < body.length) {
    // Trimmed: a header with no path (`*** Delete File:`) is then no header at all.
    const header = body[i].trim();
    if (header === '') {
      i++;
      continue;
    }
    if (header.startsWith(ADD)) {
      const path = header.slice(ADD.length).trim();
      const added: string[] = [];
      i++;
      while (i < body.length && body[i].startsWith('+')) added.push(body[i++]);
      if (added.length === 0) return fail(`empty Add File '${path}': no '+' lines`);
      files.push({ op: 'add', path, hunks: [{ lines: added }] });
    } else if (header.startsWith(DELETE)) {
      const path = header.slice(DELETE.length).trim();
      files.push({ op: 'delete', path, hunks: [] });
      i++;
    } else if (header.startsWith(UPDATE)) {
      const path = header.slice(UPDATE.length).trim();
      const file: PatchFile = { op: 'update', path, hunks: [] };
      const start = i;
      i++;
      if (i < body.length && body[i].startsWith(MOVE)) file.moveTo = body[i++].slice(MOVE.length).trim();
      const parsed = parseHunks(body, i, lineNo);
      if (typeof parsed === 'string') return fail(parsed);
      if (parsed.hunks.length === 0) return fail(`Update File '${path}' at line ${lineNo(start)} has no hunks`);
      file.hunks = parsed.hunks;
      i = parsed.next;
      files.push(file);
    } else {
      return fail(`invalid line '${body[i]}' at line ${lineNo(i)}: expected '*** Add File: ', '*** Delete File: ' or '*** Update File: '`);
    }
  }
  if (files.length === 0) return fail('no file operations between the markers');
  return { ok: true, files };
}

// An Update File's hunks, up to the next `*** ` header. Returns a reason on a bad line.
function parseHunks(body: string[], from: number, lineNo: (i: number) => number): { hunks: PatchHunk[]; next: number } | string {
  const hunks: PatchHunk[] = [];
  let i = from;
  while (i < body.length) {
    const line = body[i];
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (line.startsWith('*')) break;
    const hunk: PatchHunk = { lines: [] };
    if (line === '@@' || line.startsWith('@@ ')) {
      if (line.length > 3) hunk.context = line.slice(3);
      i++;
    } else if (hunks.length > 0) {
      return `invalid line '${line}' at line ${lineNo(i)}: expected '@@' to start the next hunk`;
    }
    // Codex reads an empty line inside a hunk as an empty context line.
    while (i < body.length) {
      const l = body[i];
      if (l === EOF_MARKER) {
        if (hunk.lines.length === 0) break;
        hunk.endOfFile = true;
        i++;
        break;
      }
      if (l === '' || l[0] === ' ' || l[0] === '+' || l[0] === '-') {
        hunk.lines.push(l === '' ? ' ' : l);
        i++;
        continue;
      }
      if (hunk.lines.length === 0 && !l.startsWith('*') && !l.startsWith('@@')) {
        return `invalid line '${l}' at line ${lineNo(i)}: hunk lines start with ' ', '+' or '-'`;
      }
      break;
    }
    if (hunk.lines.length === 0) return `empty hunk at line ${lineNo(i - 1)}: '@@' with no lines after it`;
    hunks.push(hunk);
  }
  return { hunks, next: i };
}

function fail(reason: string): ParsedPatch {
  return { ok: false, reason };
}
