// What differs between Claude models, read from the model id, in one place.
//
// - Thinking: manual thinking with `budget_tokens` exists from Claude 3.7; Claude 4.6 adds
//   adaptive thinking (`thinking: {type: "adaptive"}` + `output_config.effort`) and deprecates
//   budgets; Opus 4.7 and later refuse budgets with a 400 and hide thinking text unless
//   `display: "summarized"` is asked for.
//   https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking
//   https://docs.anthropic.com/en/docs/build-with-claude/adaptive-thinking
//   https://docs.anthropic.com/en/docs/about-claude/models/migration-guide
// - Sampling: Opus 4.7 and later refuse `temperature`, `top_p` and `top_k`.
// - Output limits: Claude 3 models cap output at 4096 tokens, Claude 3.5 at 8192
//   (https://docs.anthropic.com/en/docs/about-claude/models/overview); later models allow
//   at least 32000, which is the gateway's default (Codex sends no max_output_tokens).
//
// Ids come as `claude-3-5-sonnet-20241022`, `claude-sonnet-4-5-20250929`, `claude-opus-4-7`,
// `claude-sonnet-5`, or with a platform prefix/suffix (`anthropic.claude-…`, `…@20250929`).
// An id without a recognizable version gets the conservative profile (budget thinking,
// sampling allowed, 32000 tokens): what every Claude model from 3.7 to 4.5 accepts.

export type ThinkingMode = 'none' | 'budget' | 'adaptive';

export interface AnthropicModelProfile {
  // Major.minor as a number (4.5), or undefined when the id does not say.
  version?: number;
  thinking: ThinkingMode;
  // Adaptive models that hide thinking text by default (display: "omitted").
  thinkingDisplayOmittedByDefault: boolean;
  // `output_config.effort` takes `xhigh` (4.7+); earlier adaptive models top out at `max`.
  supportsXhighEffort: boolean;
  acceptsSamplingParams: boolean;
  defaultMaxTokens: number;
}

export const DEFAULT_MAX_TOKENS = 32_000;

const VERSION = /claude-(?:(?:opus|sonnet|haiku|fable|mythos)-)?(\d+)(?:[-.](\d{1,2}))?(?=$|[-@:_.a-z])/;

export function anthropicModelProfile(model: string): AnthropicModelProfile {
  const m = VERSION.exec(model.toLowerCase());
  const version = m ? Number(m[1]) + (m[2] !== undefined ? Number(m[2]) / 10 : 0) : undefined;
  if (version === undefined) {
    return { thinking: 'budget', thinkingDisplayOmittedByDefault: false, supportsXhighEffort: false, acceptsSamplingParams: true, defaultMaxTokens: DEFAULT_MAX_TOKENS };
  }
  const modern = version >= 4.7;
  return {
    version,
    thinking: version < 3.7 ? 'none' : version < 4.6 ? 'budget' : 'adaptive',
    thinkingDisplayOmittedByDefault: modern,
    supportsXhighEffort: modern,
    acceptsSamplingParams: !modern,
    defaultMaxTokens: version < 3.5 ? 4096 : version < 3.7 ? 8192 : DEFAULT_MAX_TOKENS,
  };
}
