// Attribute names, in one place. GenAI names follow the OpenTelemetry GenAI semantic
// conventions (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/);
// OpenInference names follow https://github.com/Arize-ai/openinference/blob/main/spec/semantic_conventions.md.
// The gateway's own live under `gateway.*`, Codex's under `codex.*`.
import type { ProviderName } from '../config/types.js';

export type SemconvMode = 'gen_ai' | 'openinference' | 'both';

export const wantsGenAi = (m: SemconvMode) => m !== 'openinference';
export const wantsOpenInference = (m: SemconvMode) => m !== 'gen_ai';

// gen_ai.provider.name's well-known values; an OpenAI-compatible server keeps our name.
export function genAiProviderName(provider: ProviderName): string {
  switch (provider) {
    case 'google':
      return 'gcp.gemini';
    case 'vertex':
      return 'gcp.vertex_ai';
    case 'mistral':
      return 'mistral_ai';
    default:
      return provider;
  }
}
