// The proposal's change to the routes file as a git-style unified diff (what `git apply`
// and reviewers read), and applying such a diff in memory (the backtest, the branch
// commit). jsdiff writes the hunks, including git's "\ No newline at end of file" marker.
import { applyPatch, formatPatch, parsePatch, structuredPatch } from 'diff';

// `diff --git a/<p> b/<p>`, `--- a/<p>`, `+++ b/<p>`, hunks with 3 lines of context.
// The same text twice gives '' (no diff). pathInRepo is relative to the repository root,
// with forward slashes.
export function routesDiff(pathInRepo: string, oldText: string, newText: string): string {
  if (oldText === newText) return '';
  const p = pathInRepo.split('\\').join('/').replace(/^\.\//, '');
  if (p === '' || p.startsWith('/') || p.split('/').includes('..')) throw new Error(`routes diff: "${pathInRepo}" is not a path inside the repository`);
  const patch = structuredPatch(`a/${p}`, `b/${p}`, oldText, newText, undefined, undefined, { context: 3 });
  if (patch.hunks.length === 0) return '';
  return formatPatch({ ...patch, isGit: true });
}

// Applies a diff of one file (as routesDiff writes it, or git diff) to that file's text.
// Strict: no fuzz; throws an Error saying why when it does not apply.
export function applyRoutesDiff(oldText: string, diffText: string): string {
  if (diffText.trim() === '') return oldText;
  let patches: ReturnType<typeof parsePatch>;
  try {
    patches = parsePatch(diffText);
  } catch (err) {
    throw new Error(`the routes diff is not a unified diff: ${(err as Error).message}`);
  }
  const withHunks = patches.filter((p) => p.hunks.length > 0);
  if (withHunks.length === 0) throw new Error('the routes diff has no hunks');
  if (withHunks.length > 1) throw new Error(`the routes diff changes ${withHunks.length} files; expected one (the routes file)`);
  const patch = withHunks[0]!;
  const out = applyPatch(oldText, patch);
  if (out === false) {
    const file = (patch.newFileName ?? patch.oldFileName ?? 'the routes file').replace(/^[ab]\//, '');
    throw new Error(`the routes diff does not apply to ${file}: its context or removed lines differ from the file (the file changed since the diff was made?)`);
  }
  return out;
}
