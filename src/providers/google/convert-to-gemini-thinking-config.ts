// Responses `reasoning.effort` → Gemini `generationConfig.thinkingConfig`.
// https://ai.google.dev/gemini-api/docs/thinking: Gemini 3 takes `thinkingLevel` (3 Pro:
// low | high; 3 Flash: minimal | low | medium | high), Gemini 2.5 a `thinkingBudget` in tokens
// (2.5 Pro 128–32768 and cannot turn thinking off; 2.5 Flash 0–24576; 2.5 Flash-Lite 0 or
// 512–24576). Sending both is a 400, so each generation gets its own field.
//
// | effort  | 3 Pro    | 3 Flash / Flash-Lite | 2.5 Pro  | 2.5 Flash | 2.5 Flash-Lite |
// |---------|----------|----------------------|----------|-----------|----------------|
// | (unset) | model default (no level or budget sent)                                  |
// | none    | low *    | minimal *            | 128 *    | 0         | 0              |
// | minimal | low *    | minimal              | 512      | 512       | 512            |
// | low     | low      | low                  | 2048     | 2048      | 2048           |
// | medium  | high *   | medium               | 8192     | 8192      | 8192           |
// | high    | high     | high                 | 24576    | 24576     | 24576          |
// | xhigh   | high *   | high *               | 32768    | 24576 *   | 24576 *        |
// (* the nearest setting the model has; recorded as a warning on the turn)
//
// `includeThoughts: true` whenever thinking is on (and the client did not ask for
// `summary: "none"`), so thought summaries stream as Responses reasoning summaries. Models
// before 2.5 do not think: nothing is sent. `gemini-*-latest` aliases, whose generation
// moves, get `includeThoughts` only.
import type { ReasoningEffort, Request } from '../../canonical/types.js';
import type { GeminiThinkingConfig, GeminiThinkingLevel } from './gemini-api.js';
import { geminiModelFamily } from './gemini-model-family.js';

const PRO3_LEVELS: Record<ReasoningEffort, GeminiThinkingLevel> = { none: 'low', minimal: 'low', low: 'low', medium: 'high', high: 'high', xhigh: 'high' };
const FLASH3_LEVELS: Record<ReasoningEffort, GeminiThinkingLevel> = { none: 'minimal', minimal: 'minimal', low: 'low', medium: 'medium', high: 'high', xhigh: 'high' };
const EXACT_LEVEL: Partial<Record<ReasoningEffort, GeminiThinkingLevel>> = { minimal: 'minimal', low: 'low', medium: 'medium', high: 'high' };

const BUDGETS_25: Record<ReasoningEffort, number> = { none: 0, minimal: 512, low: 2048, medium: 8192, high: 24576, xhigh: 32768 };
const MAX_BUDGET_25 = { pro: 32768, flash: 24576, 'flash-lite': 24576, other: 24576 } as const;
const MIN_BUDGET_25_PRO = 128;

export function convertToGeminiThinkingConfig(req: Request, model: string, warnings: string[]): GeminiThinkingConfig | undefined {
  const effort = req.reasoning?.effort;
  const summaries = req.reasoning?.summary !== 'none';
  const family = geminiModelFamily(model);
  const id = model.slice(model.lastIndexOf('/') + 1);

  if (family.version === undefined) {
    if (!id.startsWith('gemini-')) {
      if (effort !== undefined) warnings.push(`reasoning.effort '${effort}' not sent: '${model}' is not a model id whose thinking settings are known`);
      return undefined;
    }
    if (effort !== undefined) warnings.push(`reasoning.effort '${effort}' not sent: '${model}' is an alias whose Gemini generation (and so its thinking setting) is not known`);
    return summaries ? { includeThoughts: true } : undefined;
  }

  if (family.version < 2.5) {
    if (effort !== undefined && effort !== 'none') warnings.push(`reasoning.effort '${effort}' not sent: ${model} does not think`);
    return undefined;
  }

  if (family.version >= 3) {
    const config: GeminiThinkingConfig = {};
    if (effort !== undefined) {
      const table = family.tier === 'flash' || family.tier === 'flash-lite' ? FLASH3_LEVELS : PRO3_LEVELS;
      config.thinkingLevel = table[effort];
      if (EXACT_LEVEL[effort] !== config.thinkingLevel) {
        warnings.push(`reasoning.effort '${effort}' sent to ${model} as thinkingLevel '${config.thinkingLevel}'${effort === 'none' ? ' (Gemini 3 cannot turn thinking off)' : ''}`);
      }
    }
    // Gemini 3 always thinks.
    if (summaries) config.includeThoughts = true;
    return Object.keys(config).length > 0 ? config : undefined;
  }

  // Gemini 2.5: a token budget.
  const config: GeminiThinkingConfig = {};
  if (effort !== undefined) {
    let budget = Math.min(BUDGETS_25[effort], MAX_BUDGET_25[family.tier]);
    if (family.tier === 'pro' && budget < MIN_BUDGET_25_PRO) budget = MIN_BUDGET_25_PRO;
    if (budget !== BUDGETS_25[effort]) {
      warnings.push(`reasoning.effort '${effort}' sent to ${model} as thinkingBudget ${budget}${effort === 'none' ? ' (2.5 Pro cannot turn thinking off)' : ' (the model maximum)'}`);
    }
    config.thinkingBudget = budget;
  }
  if (summaries && config.thinkingBudget !== 0) config.includeThoughts = true;
  return Object.keys(config).length > 0 ? config : undefined;
}
