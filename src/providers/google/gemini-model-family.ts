// Which Gemini generation a model id belongs to: thinking is configured differently per
// generation (https://ai.google.dev/gemini-api/docs/thinking), and only Gemini 3 enforces
// thought signatures on function calls (https://ai.google.dev/gemini-api/docs/thought-signatures).
//
// Ids look like `gemini-2.5-pro`, `gemini-3-flash-preview`, `gemini-3.1-pro-preview`,
// `models/gemini-2.5-flash-lite`, or Vertex `publishers/google/models/gemini-3-pro-preview`.

export interface GeminiModelFamily {
  // 3 for gemini-3.x, 2.5 for gemini-2.5-*, …; undefined for ids we cannot read
  // (tuned models, `gemini-flash-latest` aliases whose target moves).
  version?: number;
  tier: 'pro' | 'flash' | 'flash-lite' | 'other';
}

export function geminiModelFamily(model: string): GeminiModelFamily {
  const id = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  const tier: GeminiModelFamily['tier'] = id.includes('flash-lite') ? 'flash-lite' : id.includes('flash') ? 'flash' : id.includes('pro') ? 'pro' : 'other';
  const match = /^gemini-(\d+(?:\.\d+)?)(?:[-.@]|$)/.exec(id);
  return match ? { version: Number(match[1]), tier } : { tier };
}

// Gemini 3 and later: thinking levels, and signatures required on function calls.
export function isGemini3OrLater(model: string): boolean {
  const { version } = geminiModelFamily(model);
  return version !== undefined && version >= 3;
}
