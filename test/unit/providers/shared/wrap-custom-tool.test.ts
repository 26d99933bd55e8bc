import { describe, expect, it } from 'vitest';
import type { CustomTool } from '../../../../src/providers/shared/wrap-custom-tool.js';
import {
  createCustomInputDecoder,
  unwrapCustomArguments,
  wrapCustomInput,
  wrapCustomTool,
} from '../../../../src/providers/shared/wrap-custom-tool.js';
import { readCodexRequest } from '../../../support/fixtures.js';

// Codex's freeform apply_patch tool with its Lark grammar (codex/gpt-5.5-turn1-request.json).
const applyPatch: CustomTool = readCodexRequest('gpt-5.5-turn1-request.json').body.tools.find(
  (t: { type: string; name: string }) => t.type === 'custom' && t.name === 'apply_patch',
);

// The input Codex sent back in apply-patch-catalog-turn2-request.json, plus characters that
// need escapes: quotes, backslashes, a tab, non-ASCII and an astral character (a surrogate pair).
const PATCH = '*** Begin Patch\n*** Add File: patched.txt\n+patched by "apply_patch" \\ tab\there — ünïcödé 😀\n*** End Patch\n';

function decodeInFragments(fragments: string[]): { deltas: string[]; text: string } {
  const d = createCustomInputDecoder();
  const deltas = fragments.map((f) => d.push(f));
  deltas.push(d.end());
  return { deltas, text: deltas.join('') };
}

// JSON with every non-ASCII character as \uXXXX, the way some servers encode it.
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

describe('wrapCustomTool', () => {
  it('turns a freeform tool into a function with one string parameter and puts the grammar in the description', () => {
    const wrapped = wrapCustomTool(applyPatch);
    expect(wrapped.parameters).toEqual({
      type: 'object',
      properties: { input: { type: 'string', description: 'The raw input of the apply_patch tool.' } },
      required: ['input'],
      additionalProperties: false,
    });
    expect(wrapped.description.startsWith(applyPatch.description!)).toBe(true);
    expect(wrapped.description).toContain('`input`');
    expect(wrapped.description).toContain('Lark grammar');
    expect(wrapped.description).toContain(applyPatch.format!.type === 'grammar' ? applyPatch.format!.definition : '');
    expect(wrapped.description).toContain('begin_patch: "*** Begin Patch" LF');
  });

  it('describes a plain-text custom tool without a grammar', () => {
    const wrapped = wrapCustomTool({ type: 'custom', name: 'note', format: { type: 'text' } });
    expect(wrapped.description).not.toContain('grammar');
    expect(wrapped.description).toContain('`input`');
  });
});

describe('wrapCustomInput / unwrapCustomArguments', () => {
  it('round-trips the raw input exactly', () => {
    const args = wrapCustomInput(PATCH);
    expect(JSON.parse(args)).toEqual({ input: PATCH });
    expect(unwrapCustomArguments(args)).toBe(PATCH);
    expect(unwrapCustomArguments(asciiJson({ input: PATCH }))).toBe(PATCH);
    expect(unwrapCustomArguments(wrapCustomInput(''))).toBe('');
  });
});

describe('createCustomInputDecoder', () => {
  it('decodes at every split point, including inside escapes and \\uXXXX', () => {
    for (const json of [wrapCustomInput(PATCH), asciiJson({ input: PATCH }), '{ "input" :\n "' + JSON.stringify(PATCH).slice(1, -1) + '" }']) {
      for (let cut = 0; cut <= json.length; cut++) {
        const { text } = decodeInFragments([json.slice(0, cut), json.slice(cut)]);
        expect(text).toBe(PATCH);
      }
    }
  });

  it('streams as the fragments arrive and never splits a surrogate pair', () => {
    const json = asciiJson({ input: PATCH });
    const { deltas, text } = decodeInFragments([...json]); // one character at a time
    expect(text).toBe(PATCH);
    // The text comes out progressively, not all at the end.
    expect(deltas.filter((d) => d !== '').length).toBeGreaterThan(PATCH.length / 2);
    for (const d of deltas) {
      expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(d)).toBe(false);
      expect(/(?<![\ud800-\udbff])[\udc00-\udfff]/.test(d)).toBe(false);
    }
    expect(deltas.join('')).toContain('😀');
  });

  it('handles the empty-string fragments servers send before the arguments', () => {
    expect(decodeInFragments(['', '', '{"input":"a\\', 'nb"}', '']).text).toBe('a\nb');
  });

  it('falls back to the best value, at the end, when the model does not write {"input": ...}', () => {
    // Another key first: nothing streams, the input still arrives whole.
    const other = decodeInFragments(['{"path":"x",', '"input":"*** Begin Patch\\n"}']);
    expect(other.deltas.slice(0, -1).every((d) => d === '')).toBe(true);
    expect(other.text).toBe('*** Begin Patch\n');
    // A single string under another name.
    expect(decodeInFragments(['{"patch": "abc"}']).text).toBe('abc');
    // Arguments encoded twice.
    expect(decodeInFragments([JSON.stringify(wrapCustomInput('abc'))]).text).toBe('abc');
    // The raw text itself, not JSON at all.
    expect(decodeInFragments(['*** Begin Patch\n', '*** End Patch\n']).text).toBe('*** Begin Patch\n*** End Patch\n');
    // Something unrecognizable is kept as it came, never lost.
    expect(decodeInFragments(['{"a":1,"b":2}']).text).toBe('{"a":1,"b":2}');
    expect(decodeInFragments([]).text).toBe('');
  });

  it('keeps what it has when the arguments are cut off', () => {
    expect(decodeInFragments(['{"input":"abc']).text).toBe('abc');
    expect(decodeInFragments(['{"input":"abc\\']).text).toBe('abc\\');
    expect(decodeInFragments(['{"input":"abc\\u00']).text).toBe('abc\\u00');
    expect(decodeInFragments(['{"inp']).text).toBe('{"inp');
  });
});
