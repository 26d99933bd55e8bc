import { describe, expect, it } from 'vitest';
import type { Tool } from '../../../../src/canonical/types.js';
import { buildToolNameMap } from '../../../../src/providers/shared/tool-names.js';
import { readCodexRequest } from '../../../support/fixtures.js';

const CHAT = { maxLength: 64, pattern: /^[a-zA-Z0-9_-]+$/ };
const GEMINI = { maxLength: 64, pattern: /^[a-zA-Z_][a-zA-Z0-9_.:-]*$/ };

const fn = (name: string, namespace?: string): Tool => ({ type: 'function', name, namespace, parameters: { type: 'object' } });

// The tools Codex 0.169.0 really sends (codex/turn2-request.json): plain functions, a
// `multi_agent_v1` namespace of functions, and hosted tools that never reach a provider.
function codexTools(file: string): Tool[] {
  const tools: Tool[] = [];
  for (const t of readCodexRequest(file).body.tools) {
    if (t.type === 'function') tools.push(fn(t.name));
    if (t.type === 'custom') tools.push({ type: 'custom', name: t.name, format: t.format });
    if (t.type === 'namespace') for (const inner of t.tools) tools.push(fn(inner.name, t.name));
  }
  return tools;
}

describe('buildToolNameMap', () => {
  it('keeps valid plain names and flattens a namespace, both ways (Codex turn2 tools)', () => {
    const tools = codexTools('turn2-request.json');
    const names = buildToolNameMap(tools, CHAT);
    expect(names.toWire('exec_command')).toBe('exec_command');
    expect(names.fromWire('exec_command')).toEqual({ name: 'exec_command', kind: 'function' });
    expect(names.toWire('spawn_agent', 'multi_agent_v1')).toBe('multi_agent_v1__spawn_agent');
    expect(names.fromWire('multi_agent_v1__spawn_agent')).toEqual({ name: 'spawn_agent', namespace: 'multi_agent_v1', kind: 'function' });
    // Every tool round-trips, and no two share a wire name.
    const wires = tools.map((t) => names.toWire(t.name, t.type === 'function' ? t.namespace : undefined));
    expect(new Set(wires).size).toBe(tools.length);
    for (const t of tools) {
      const back = names.fromWire(names.toWire(t.name, t.type === 'function' ? t.namespace : undefined));
      expect(back.name).toBe(t.name);
      expect(back.namespace).toBe(t.type === 'function' ? t.namespace : undefined);
    }
  });

  it('marks a wrapped custom tool as custom (apply_patch from the catalog capture)', () => {
    const names = buildToolNameMap(codexTools('apply-patch-catalog-turn1-request.json'), CHAT);
    expect(names.toWire('apply_patch')).toBe('apply_patch');
    expect(names.fromWire('apply_patch')).toEqual({ name: 'apply_patch', kind: 'custom' });
  });

  it('maps the same history the same way whatever tools are offered (compaction sends tools: [])', () => {
    const full = buildToolNameMap(codexTools('turn2-request.json'), CHAT);
    const empty = buildToolNameMap([], CHAT);
    expect(empty.toWire('exec_command')).toBe(full.toWire('exec_command'));
    expect(empty.toWire('wait_agent', 'multi_agent_v1')).toBe(full.toWire('wait_agent', 'multi_agent_v1'));
    // Names first met in history are known afterwards, with their kind.
    expect(empty.toWire('apply_patch', undefined, 'custom')).toBe('apply_patch');
    expect(empty.fromWire('apply_patch')).toEqual({ name: 'apply_patch', kind: 'custom' });
    // An invented name comes back as it was.
    expect(empty.fromWire('no_such_tool')).toEqual({ name: 'no_such_tool', kind: 'function' });
  });

  it('is deterministic and independent of tool order', () => {
    const tools = [fn('a.b'), fn('b', 'a'), fn('x'.repeat(100)), fn('c', 'ns')];
    const one = buildToolNameMap(tools, CHAT);
    const two = buildToolNameMap([...tools].reverse(), CHAT);
    for (const t of tools) {
      const ns = t.type === 'function' ? t.namespace : undefined;
      expect(one.toWire(t.name, ns)).toBe(two.toWire(t.name, ns));
    }
  });

  it('sanitizes refused characters and shortens long names with a stable hash', () => {
    const long = 'mcp_server_with_a_really_long_name__tool_with_an_even_longer_descriptive_name';
    const names = buildToolNameMap([fn('read.file'), fn(long)], CHAT);
    expect(names.toWire('read.file')).toBe('read_file');
    const wire = names.toWire(long);
    expect(wire.length).toBeLessThanOrEqual(64);
    expect(wire).toMatch(CHAT.pattern);
    expect(wire.startsWith('mcp_server_with_a_really_long_name')).toBe(true);
    expect(buildToolNameMap([], CHAT).toWire(long)).toBe(wire);
    expect(names.fromWire(wire)).toEqual({ name: long, kind: 'function' });
  });

  it('never lets a flattened name take the name of a real tool', () => {
    // A plain tool literally called `a__b` and `b` in namespace `a` would both flatten to `a__b`.
    const names = buildToolNameMap([fn('b', 'a'), fn('a__b'), fn('x.y'), fn('x_y')], CHAT);
    expect(names.toWire('a__b')).toBe('a__b');
    const flattened = names.toWire('b', 'a');
    expect(flattened).not.toBe('a__b');
    expect(flattened).toMatch(/^a__b_[a-z0-9]{8}$/);
    expect(names.fromWire(flattened)).toEqual({ name: 'b', namespace: 'a', kind: 'function' });
    expect(names.toWire('x_y')).toBe('x_y');
    expect(names.toWire('x.y')).not.toBe('x_y');
    expect(names.fromWire(names.toWire('x.y')).name).toBe('x.y');
  });

  it('follows a stricter pattern (a name must not start with a digit for Gemini)', () => {
    const names = buildToolNameMap([fn('3d_render')], GEMINI);
    const wire = names.toWire('3d_render');
    expect(wire).toBe('_3d_render');
    expect(names.fromWire(wire).name).toBe('3d_render');
  });
});
