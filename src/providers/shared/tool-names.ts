// Client tool names → names a provider accepts, and back.
//
// Responses tools may sit in a `namespace` (Codex's `multi_agent_v1` holds `spawn_agent`, …)
// and names may use characters a provider refuses. Providers want one flat name matching a
// pattern: OpenAI Chat and Mistral `^[a-zA-Z0-9_-]{1,64}$`, Anthropic `^[a-zA-Z0-9_-]{1,128}$`
// (https://docs.anthropic.com/en/docs/build-with-claude/tool-use), Gemini
// `^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$` (https://ai.google.dev/api/caching#FunctionDeclaration).
//
// Codex resends the whole history every turn, and items in it may name tools that are no
// longer offered (a compaction request sends `tools: []`). So a wire name depends only on
// the client name wherever possible, never on the order of the tools or on what else is in
// the request; only a true collision (two client names flattening to the same wire name)
// falls back to a name carrying a hash of the client name, which is stable too.
import { createHash } from 'node:crypto';
import type { Tool } from '../../canonical/types.js';

export type ToolKind = 'function' | 'custom';

export interface ToolNameRules {
  maxLength: number;
  // The whole wire name must match it.
  pattern: RegExp;
}

export interface ToolNameMap {
  // `kind` only matters for names that are not among the tools (history items): it records
  // whether the wire function is a wrapped custom tool, so `fromWire` can say so.
  toWire(name: string, namespace?: string, kind?: ToolKind): string;
  // A wire name nobody registered (a model inventing a tool) comes back unchanged, as a function.
  fromWire(wireName: string): { name: string; namespace?: string; kind: ToolKind };
}

// Between namespace and name: `multi_agent_v1__spawn_agent`. Underscores are valid everywhere.
export const NAMESPACE_SEPARATOR = '__';

interface Entry {
  name: string;
  namespace?: string;
  kind: ToolKind;
}

export function buildToolNameMap(tools: Tool[], rules: ToolNameRules): ToolNameMap {
  const byKey = new Map<string, string>(); // client key → wire name
  const byWire = new Map<string, Entry>(); // wire name → client entry

  const register = (entry: Entry): string => {
    const key = clientKey(entry.name, entry.namespace);
    const known = byKey.get(key);
    if (known !== undefined) return known;
    const wire = pickWireName(entry, rules, (candidate) => {
      const owner = byWire.get(candidate);
      return owner === undefined || clientKey(owner.name, owner.namespace) === key;
    });
    byKey.set(key, wire);
    byWire.set(wire, entry);
    return wire;
  };

  // Names that are already valid and need no namespace go first, so that a flattened or
  // sanitized name can never take the exact name of a real tool.
  const entries: Entry[] = tools.map((t) =>
    t.type === 'function'
      ? { name: t.name, namespace: t.namespace, kind: 'function' as const }
      : { name: t.name, kind: 'custom' as const },
  );
  const plain = (e: Entry) => e.namespace === undefined && isValid(e.name, rules);
  for (const e of entries) if (plain(e)) register(e);
  for (const e of entries) if (!plain(e)) register(e);

  return {
    toWire: (name, namespace, kind = 'function') => register({ name, namespace, kind }),
    fromWire: (wireName) => {
      const entry = byWire.get(wireName);
      if (entry === undefined) return { name: wireName, kind: 'function' };
      return entry.namespace === undefined
        ? { name: entry.name, kind: entry.kind }
        : { name: entry.name, namespace: entry.namespace, kind: entry.kind };
    },
  };
}

function clientKey(name: string, namespace?: string): string {
  // A NUL cannot appear in a JSON-declared tool name's meaning, so keys never clash.
  return namespace === undefined ? name : `${namespace}\u0000${name}`;
}

function isValid(name: string, rules: ToolNameRules): boolean {
  return name.length > 0 && name.length <= rules.maxLength && rules.pattern.test(name);
}

// 8 base-36 characters of SHA-256 over the client key: ~41 bits, deterministic.
export function shortHash(text: string, length = 8): string {
  const digest = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; out.length < length; i++) out += (digest[i % digest.length] % 36).toString(36);
  return out;
}

function pickWireName(entry: Entry, rules: ToolNameRules, isFree: (candidate: string) => boolean): string {
  const key = clientKey(entry.name, entry.namespace);
  const flat = entry.namespace === undefined ? entry.name : `${entry.namespace}${NAMESPACE_SEPARATOR}${entry.name}`;
  // The characters every provider accepts; anything else becomes `_`.
  const sanitized = flat.replace(/[^a-zA-Z0-9_-]/g, '_');
  const hash = shortHash(key);
  const hashed = (base: string) => `${base.slice(0, Math.max(0, rules.maxLength - hash.length - 1))}_${hash}`;

  const fit = (base: string) => (base.length <= rules.maxLength ? base : hashed(base));
  const candidates = isValid(fit(sanitized), rules)
    ? // On a collision keep the readable prefix and make it unique with the hash.
      [fit(sanitized), hashed(sanitized), hashed('tool')]
    : // Some patterns want a letter or `_` first (Gemini).
      [fit(`_${sanitized}`), hashed(`_${sanitized}`), hashed('tool')];
  for (const c of candidates) if (c.length > 0 && isValid(c, rules) && isFree(c)) return c;
  // Unreachable for any sane rules; a clear failure beats a silent clash.
  throw new Error(`cannot derive a wire name for tool '${flat}' under ${rules.pattern}`);
}
