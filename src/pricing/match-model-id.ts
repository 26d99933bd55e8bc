// Model ids as routes and providers spell them → the id the price card matches.
// Tolerates what the same model is called across APIs:
// - `models/gemini-2.5-pro` (Gemini API), `publishers/google/models/gemini-2.5-pro` and
//   `projects/p/locations/l/publishers/google/models/…` (Vertex resource names);
// - `anthropic/claude-…` style provider prefixes; Vertex's `claude-opus-4-1@20250805`;
// - dated snapshots: `claude-opus-4-7-20260420`, `gpt-5-mini-2025-08-07`.
import type { ModelMatch } from './price-card.js';

export function normaliseModelId(model: string): string {
  let id = model.trim().toLowerCase();
  id = id.replace(/^.*\/models\//, '').replace(/^models\//, '');
  const slash = id.lastIndexOf('/');
  if (slash >= 0) id = id.slice(slash + 1);
  return id.replace(/@.*$/, '');
}

// A dated suffix (-YYYYMMDD or -YYYY-MM-DD) or `-latest`, dropped for a second lookup
// when the full id matches nothing.
export function withoutDateSuffix(id: string): string {
  return id.replace(/-(?:\d{8}|\d{4}-\d{2}-\d{2}|latest)$/, '');
}

export function matchesModel(match: ModelMatch, id: string): boolean {
  const s = id.toLowerCase();
  if ('or' in match) return match.or.some((m) => matchesModel(m, id));
  if ('and' in match) return match.and.every((m) => matchesModel(m, id));
  if ('equals' in match) return s === match.equals.toLowerCase();
  if ('starts_with' in match) return s.startsWith(match.starts_with.toLowerCase());
  if ('ends_with' in match) return s.endsWith(match.ends_with.toLowerCase());
  if ('contains' in match) return s.includes(match.contains.toLowerCase());
  return new RegExp(match.regex).test(id);
}
