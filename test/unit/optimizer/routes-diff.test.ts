// routesDiff writes what `git apply` accepts (checked with the real git in a scratch
// repository: reviewers and CI apply the proposal that way); applyRoutesDiff applies it
// in memory (the backtest, the proposal branch) and refuses a diff that does not fit.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyRoutesDiff, routesDiff } from '../../../optimizer/routes-diff.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// A scratch repository with `file` committed at `path`; `git apply --check` then
// `git apply` of `diff`, and the file as git left it.
function gitApply(path: string, file: string, diff: string): string {
  const repo = mkdtempSync(join(tmpdir(), 'routes-diff-git-'));
  dirs.push(repo);
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
  git('init', '-q');
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), file);
  git('add', '.');
  git('commit', '-q', '-m', 'routes');
  const patch = join(repo, '..', `${repo.split(/[\\/]/).pop()}.diff`);
  writeFileSync(patch, diff);
  dirs.push(patch);
  git('apply', '--check', patch);
  git('apply', patch);
  return readFileSync(join(repo, path), 'utf8');
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `# line ${i + 1}`);
const OLD = [...lines(10), '    - if: "input_tokens < 8000"   # inline', ...lines(10), ''].join('\n');
const NEW = OLD.replace('input_tokens < 8000', 'input_tokens < 12000');

describe('routesDiff', () => {
  it('git headers, one hunk with 3 lines of context', () => {
    expect(routesDiff('config/routes.yaml', OLD, NEW)).toBe(
      [
        'diff --git a/config/routes.yaml b/config/routes.yaml',
        '--- a/config/routes.yaml',
        '+++ b/config/routes.yaml',
        '@@ -8,7 +8,7 @@',
        '# line 8',
        '# line 9',
        '# line 10',
        '-    - if: "input_tokens < 8000"   # inline',
        '+    - if: "input_tokens < 12000"   # inline',
        '# line 1',
        '# line 2',
        '# line 3',
        '',
      ]
        .join('\n')
        .replace(/^# line/gm, ' # line'),
    );
  });

  it('git apply accepts it and gives the new text; applyRoutesDiff gives the same', () => {
    const diff = routesDiff('config/routes.yaml', OLD, NEW);
    expect(gitApply('config/routes.yaml', OLD, diff)).toBe(NEW);
    expect(applyRoutesDiff(OLD, diff)).toBe(NEW);
  });

  it('a file without a trailing newline: the marker, git apply and the round trip', () => {
    // The change far from the end: the hunk does not reach the last line.
    const old = OLD.trimEnd();
    const neu = NEW.trimEnd();
    const far = routesDiff('routes.yaml', old, neu);
    expect(far).not.toContain('\\ No newline at end of file');
    expect(gitApply('routes.yaml', old, far)).toBe(neu);
    expect(applyRoutesDiff(old, far)).toBe(neu);
    // The change on the last lines: git's marker after the last line of both sides.
    const tail = `${lines(5).join('\n')}\n    - if: "input_tokens < 8000"\n      route_to: cheap`;
    const tailNew = tail.replace('8000', '12000');
    const diff = routesDiff('routes.yaml', tail, tailNew);
    expect(diff.match(/^\\ No newline at end of file$/gm)).toHaveLength(1);
    expect(gitApply('routes.yaml', tail, diff)).toBe(tailNew);
    expect(applyRoutesDiff(tail, diff)).toBe(tailNew);
    // The last line itself changes: the marker after its old and its new version.
    const lastOld = `${lines(5).join('\n')}\n  default: strong`;
    const lastNew = `${lines(5).join('\n')}\n  default: cheap`;
    const both = routesDiff('routes.yaml', lastOld, lastNew);
    expect(both.match(/^\\ No newline at end of file$/gm)).toHaveLength(2);
    expect(gitApply('routes.yaml', lastOld, both)).toBe(lastNew);
    expect(applyRoutesDiff(lastOld, both)).toBe(lastNew);
    // Adding the final newline is a change too.
    const eol = routesDiff('routes.yaml', tail, `${tail}\n`);
    expect(gitApply('routes.yaml', tail, eol)).toBe(`${tail}\n`);
    expect(applyRoutesDiff(tail, eol)).toBe(`${tail}\n`);
  });

  it('several changes far apart: several hunks, still a round trip', () => {
    const old = [...lines(30), ''].join('\n');
    const neu = old.replace('# line 2\n', '# line two\n').replace('# line 25\n', '# line twenty-five\n');
    const diff = routesDiff('a b/routes.yaml', old, neu);
    expect(diff.match(/^@@ /gm)).toHaveLength(2);
    expect(gitApply('a b/routes.yaml', old, diff)).toBe(neu);
    expect(applyRoutesDiff(old, diff)).toBe(neu);
  });

  it('the same text: no diff; a path outside the repository: an Error', () => {
    expect(routesDiff('routes.yaml', OLD, OLD)).toBe('');
    expect(applyRoutesDiff(OLD, '')).toBe(OLD);
    expect(() => routesDiff('../routes.yaml', OLD, NEW)).toThrow(/not a path inside the repository/);
    expect(() => routesDiff('/etc/routes.yaml', OLD, NEW)).toThrow(/not a path inside the repository/);
  });
});

describe('applyRoutesDiff', () => {
  it('refuses a diff whose context does not match, naming the file', () => {
    const diff = routesDiff('config/routes.yaml', OLD, NEW);
    const edited = OLD.replace('# line 9\n', '# line nine\n');
    expect(() => applyRoutesDiff(edited, diff)).toThrow(/does not apply to config\/routes\.yaml/);
    // Already applied: the removed line is not there.
    expect(() => applyRoutesDiff(NEW, diff)).toThrow(/does not apply/);
  });

  it('refuses text that is not a diff, and a diff of several files', () => {
    expect(() => applyRoutesDiff(OLD, 'hello\n')).toThrow(/no hunks/);
    const two = routesDiff('a.yaml', OLD, NEW) + routesDiff('b.yaml', OLD, NEW);
    expect(() => applyRoutesDiff(OLD, two)).toThrow(/changes 2 files/);
  });

  it('accepts a plain unified diff without the git line (diff -u, git diff --no-prefix style)', () => {
    const diff = routesDiff('routes.yaml', OLD, NEW).split('\n').slice(1).join('\n');
    expect(applyRoutesDiff(OLD, diff)).toBe(NEW);
  });
});
