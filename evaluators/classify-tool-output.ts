// What a tool output the client sent back says about the call it answers. Codex formats
// its outputs (see test/fixtures/codex): exec_command's start with a header holding
// `Process exited with code N`; apply_patch's and the shell tool's start `Exit code: N`;
// older Codex sent JSON `{"output": "...", "metadata": {"exit_code": N}}`. An exit code
// decides: the program's own output may mention "Operation not permitted" (the captures'
// `pyenv: cannot rehash … isn't writable` comes with exit code 0) without failing.
// Without one, the output is Codex's own message, checked against the short list below.
import type { ToolOutcome } from './evaluator.js';
import type { RecordedToolOutput } from '../src/records/turn-record.js';

// Codex's messages for calls it refused or could not run, and what we report for each.
// Each entry is covered by test/unit/evaluators/classify-tool-output.test.ts.
const FAILURES: { pattern: RegExp; reason: (m: RegExpMatchArray) => string }[] = [
  // A tool name Codex does not know (`unsupported call: foo`).
  { pattern: /unsupported call(?::\s*([^\n]+))?/i, reason: (m) => (m[1] ? `unsupported call: ${m[1].trim()}` : 'unsupported call') },
  // Function arguments Codex could not deserialize.
  { pattern: /failed to parse function arguments/i, reason: () => 'failed to parse function arguments' },
  // apply_patch: a patch that does not parse, or does not match the files.
  { pattern: /apply_patch verification failed/i, reason: () => 'apply_patch verification failed' },
  { pattern: /failed to find expected lines/i, reason: () => 'apply_patch: failed to find expected lines' },
  { pattern: /invalid context/i, reason: () => 'apply_patch: invalid context' },
  { pattern: /invalid patch|invalid hunk/i, reason: () => 'apply_patch: invalid patch' },
  // The command ran past its time limit.
  { pattern: /timed out/i, reason: () => 'timed out' },
  // The sandbox refused the command.
  { pattern: /sandbox denied|operation not permitted/i, reason: () => 'sandbox denied' },
];

export function classifyToolOutput(output: RecordedToolOutput): ToolOutcome {
  let text = output.output;
  const legacy = legacyJson(text);
  if (legacy) {
    if (legacy.exitCode !== undefined) return fromExitCode(legacy.exitCode);
    text = legacy.output;
  }
  const exitCode = headerExitCode(text);
  if (exitCode !== undefined) return fromExitCode(exitCode);
  for (const { pattern, reason } of FAILURES) {
    const m = text.match(pattern);
    if (m) return { ok: false, reason: reason(m) };
  }
  return { ok: null, reason: 'output does not report an outcome' };
}

function fromExitCode(code: number): ToolOutcome {
  return { ok: code === 0, reason: `exit code ${code}`, exitCode: code };
}

// The exit code from Codex's header: the lines before `Output:` (the program's output
// after it could contain the same words).
function headerExitCode(text: string): number | undefined {
  const outputAt = text.search(/^Output:$/m);
  const header = outputAt >= 0 ? text.slice(0, outputAt) : text;
  const m = header.match(/^(?:Process exited with code|Exit code:)\s*(-?\d+)\s*$/m);
  return m ? Number(m[1]) : undefined;
}

function legacyJson(text: string): { output: string; exitCode?: number } | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const v = JSON.parse(text) as { output?: unknown; metadata?: { exit_code?: unknown } };
    if (typeof v !== 'object' || v === null || typeof v.output !== 'string') return undefined;
    const code = v.metadata?.exit_code;
    return { output: v.output, ...(typeof code === 'number' && Number.isInteger(code) ? { exitCode: code } : {}) };
  } catch {
    return undefined;
  }
}
