// Responses `reasoning.effort` → Anthropic `thinking` (and `output_config.effort`).
//
// Models with manual thinking (Claude 3.7 to 4.5) get a token budget from this table;
// `budget_tokens` must be at least 1024 and below `max_tokens`, and thinking tokens count
// against `max_tokens` (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking):
//
// | effort          | budget_tokens | room left for the answer at the default max_tokens 32000 |
// |-----------------|--------------:|----------------------------------------------------------:|
// | none, minimal   | no thinking   | 32000                                                      |
// | low             |         2 048 | 29 952                                                     |
// | medium          |         8 192 | 23 808                                                     |
// | high            |        16 384 | 15 616                                                     |
// | xhigh           |        24 576 |  7 424                                                     |
//
// When a smaller max_tokens is set (request or route), the budget shrinks to half of it;
// below 1024 thinking is left off, with a warning.
//
// Adaptive models (4.6 and later) decide how much to think themselves: `thinking:
// {type: "adaptive"}` with `output_config.effort` low | medium | high, and `xhigh` as
// `xhigh` on 4.7+ (as `max` on 4.6). `minimal` sends no thinking and effort `low`.
// On 4.7+ thinking text is omitted unless asked for, so `display: "summarized"` is sent:
// Codex shows reasoning summaries, and an empty one would show nothing
// (https://docs.anthropic.com/en/docs/build-with-claude/adaptive-thinking).
import type { ReasoningEffort } from '../../canonical/types.js';
import type { AnthropicEffort, AnthropicThinking } from './anthropic-api.js';
import type { AnthropicModelProfile } from './anthropic-model-profile.js';

export const THINKING_BUDGETS: Record<Exclude<ReasoningEffort, 'none' | 'minimal'>, number> = {
  low: 2_048,
  medium: 8_192,
  high: 16_384,
  xhigh: 24_576,
};

export const MIN_THINKING_BUDGET = 1_024;

export interface ThinkingChoice {
  thinking?: AnthropicThinking;
  effort?: AnthropicEffort;
}

export function mapAnthropicThinking(
  effort: ReasoningEffort | undefined,
  profile: AnthropicModelProfile,
  maxTokens: number,
  model: string,
  warnings: string[],
): ThinkingChoice {
  if (effort === undefined || effort === 'none') return {};
  if (profile.thinking === 'none') {
    if (effort !== 'minimal') warnings.push(`reasoning.effort '${effort}' not sent: ${model} has no extended thinking`);
    return {};
  }
  if (profile.thinking === 'adaptive') {
    if (effort === 'minimal') return { effort: 'low' };
    const mapped: AnthropicEffort = effort === 'xhigh' ? (profile.supportsXhighEffort ? 'xhigh' : 'max') : effort;
    const thinking: AnthropicThinking = profile.thinkingDisplayOmittedByDefault ? { type: 'adaptive', display: 'summarized' } : { type: 'adaptive' };
    return { thinking, effort: mapped };
  }
  if (effort === 'minimal') return {};
  let budget = THINKING_BUDGETS[effort];
  if (budget >= maxTokens) {
    budget = Math.floor(maxTokens / 2);
    if (budget < MIN_THINKING_BUDGET) {
      warnings.push(`reasoning.effort '${effort}' not sent: max_tokens ${maxTokens} leaves no room for Anthropic's minimum thinking budget (${MIN_THINKING_BUDGET})`);
      return {};
    }
    warnings.push(`thinking budget for reasoning.effort '${effort}' lowered to ${budget} tokens to stay below max_tokens ${maxTokens}`);
  }
  return { thinking: { type: 'enabled', budget_tokens: budget } };
}
