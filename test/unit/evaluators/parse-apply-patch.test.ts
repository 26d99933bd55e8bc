// Codex's freeform apply_patch input: the patches the model writes, well-formed or not.
import { describe, expect, it } from 'vitest';
import { parseApplyPatch } from '../../../evaluators/parse-apply-patch.js';
import { readCodexRequest } from '../../support/fixtures.js';

const patch = (...lines: string[]) => lines.join('\n') + '\n';

describe('parseApplyPatch: valid patches', () => {
  it('parses the Add File patch of the apply_patch capture', () => {
    const call = readCodexRequest('apply-patch-catalog-turn2-request.json').body.input.find((i: any) => i.type === 'custom_tool_call');
    expect(parseApplyPatch(call.input)).toEqual({ ok: true, files: [{ op: 'add', path: 'patched.txt', hunks: [{ lines: ['+patched by apply_patch'] }] }] });
  });

  it('parses add, delete, and update with a move, contexts and End of File', () => {
    const result = parseApplyPatch(
      patch(
        '*** Begin Patch',
        '*** Add File: a.txt',
        '+one',
        '+',
        '*** Delete File: b.txt',
        '*** Update File: src/app.py',
        '*** Move to: src/main.py',
        '@@ def greet():',
        '-print("Hi")',
        '+print("Hello")',
        '',
        '@@',
        ' tail',
        '+more',
        '*** End of File',
        '*** End Patch',
      ),
    );
    expect(result).toEqual({
      ok: true,
      files: [
        { op: 'add', path: 'a.txt', hunks: [{ lines: ['+one', '+'] }] },
        { op: 'delete', path: 'b.txt', hunks: [] },
        {
          op: 'update',
          path: 'src/app.py',
          moveTo: 'src/main.py',
          hunks: [
            // The blank line inside the first hunk is an empty context line, as in Codex.
            { context: 'def greet():', lines: ['-print("Hi")', '+print("Hello")', ' '] },
            { lines: [' tail', '+more'], endOfFile: true },
          ],
        },
      ],
    });
  });

  it('accepts a first hunk without @@, like Codex', () => {
    const result = parseApplyPatch(patch('*** Begin Patch', '*** Update File: f.py', ' import foo', '+bar', '*** End Patch'));
    expect(result).toEqual({ ok: true, files: [{ op: 'update', path: 'f.py', hunks: [{ lines: [' import foo', '+bar'] }] }] });
  });

  it('tolerates whitespace around the markers, CRLF and no final newline', () => {
    expect(parseApplyPatch('\n  *** Begin Patch  \r\n*** Add File: x\r\n+y\r\n  *** End Patch  ').ok).toBe(true);
  });

  it("accepts a heredoc wrapper (Codex's lenient mode), with or without `apply_patch`", () => {
    const body = ['*** Begin Patch', '*** Delete File: old.txt', '*** End Patch'];
    expect(parseApplyPatch(patch("apply_patch <<'EOF'", ...body, 'EOF'))).toEqual({ ok: true, files: [{ op: 'delete', path: 'old.txt', hunks: [] }] });
    expect(parseApplyPatch(patch('<<EOF', ...body, 'EOF')).ok).toBe(true);
    expect(parseApplyPatch(patch('<<"EOF"', ...body, 'EOF')).ok).toBe(true);
  });
});

describe('parseApplyPatch: broken patches, each with a specific reason', () => {
  const reason = (input: string) => {
    const r = parseApplyPatch(input);
    if (r.ok) throw new Error('expected a failure');
    return r.reason;
  };

  it('missing Begin Patch', () => {
    expect(reason(patch('*** Add File: a', '+x', '*** End Patch'))).toBe("missing '*** Begin Patch' on the first line");
    expect(reason('')).toBe("missing '*** Begin Patch' on the first line");
  });

  it('missing End Patch', () => {
    expect(reason(patch('*** Begin Patch', '*** Add File: a', '+x'))).toBe("missing '*** End Patch' on the last line");
    expect(reason('*** Begin Patch')).toBe("missing '*** End Patch' on the last line");
  });

  it('no file operations', () => {
    expect(reason(patch('*** Begin Patch', '', '*** End Patch'))).toBe('no file operations between the markers');
  });

  it('empty Add File', () => {
    expect(reason(patch('*** Begin Patch', '*** Add File: a.txt', '*** End Patch'))).toBe("empty Add File 'a.txt': no '+' lines");
  });

  it('Update File with no hunks', () => {
    expect(reason(patch('*** Begin Patch', '*** Update File: f.py', '*** End Patch'))).toBe("Update File 'f.py' at line 2 has no hunks");
    expect(reason(patch('*** Begin Patch', '*** Update File: f.py', '*** Move to: g.py', '*** Delete File: h', '*** End Patch'))).toBe(
      "Update File 'f.py' at line 2 has no hunks",
    );
  });

  it('an @@ with no lines after it', () => {
    expect(reason(patch('*** Begin Patch', '*** Update File: f.py', '@@ def f():', '*** End Patch'))).toBe("empty hunk at line 3: '@@' with no lines after it");
  });

  it('invalid line in a hunk, with its line number', () => {
    expect(reason(patch('*** Begin Patch', '*** Update File: f.py', '@@', 'x = 1', '*** End Patch'))).toBe(
      "invalid line 'x = 1' at line 4: hunk lines start with ' ', '+' or '-'",
    );
    // After a hunk, a line that is neither a hunk line nor @@ nor a header.
    expect(reason(patch('*** Begin Patch', '*** Update File: f.py', '@@', '-a', '+b', 'oops', '*** End Patch'))).toBe(
      "invalid line 'oops' at line 6: expected '@@' to start the next hunk",
    );
  });

  it('invalid hunk header, counting lines as the model wrote them (heredoc included)', () => {
    expect(reason(patch("apply_patch <<'EOF'", '*** Begin Patch', '*** Add File: a', '+x', 'stray', '*** End Patch', 'EOF'))).toBe(
      "invalid line 'stray' at line 5: expected '*** Add File: ', '*** Delete File: ' or '*** Update File: '",
    );
  });

  it('a header without a path', () => {
    expect(reason(patch('*** Begin Patch', '*** Delete File: ', '*** End Patch'))).toBe(
      "invalid line '*** Delete File: ' at line 2: expected '*** Add File: ', '*** Delete File: ' or '*** Update File: '",
    );
  });
});
