// Input-token windows of well-known models, used when a route sets no
// `max_input_tokens`. Conservative (the documented input limit, not the total); a route's
// own value always wins. Unknown models (self-hosted) have no limit here.
// Anthropic: https://docs.anthropic.com/en/docs/about-claude/models/overview
// Gemini: https://ai.google.dev/gemini-api/docs/models
// OpenAI: https://platform.openai.com/docs/models
// Mistral: https://docs.mistral.ai/getting-started/models/models_overview/
const WINDOWS: [RegExp, number][] = [
  [/^claude-/, 200_000],
  [/^gemini-(1\.5|2\.0|2\.5|3)/, 1_048_576],
  [/^gpt-5/, 272_000],
  [/^gpt-4\.1/, 1_047_576],
  [/^(gpt-4o|o1-mini)/, 128_000],
  [/^(o1|o3|o4-mini)/, 200_000],
  [/^codestral/, 256_000],
  [/^(mistral-(large|medium|small)|magistral|devstral|ministral)/, 128_000],
];

export function knownInputWindow(model: string): number | undefined {
  const id = model.replace(/^models\//, '').toLowerCase();
  for (const [pattern, window] of WINDOWS) if (pattern.test(id)) return window;
  return undefined;
}
