// The route's `safety_settings` → Gemini `safetySettings`, one entry per harm category.
// https://ai.google.dev/gemini-api/docs/safety-settings
//
// Default ("off"): BLOCK_NONE for every category. Gemini's own defaults block ordinary code
// about authentication, cryptography or exploits, which a coding agent reads and writes all
// day. A route may instead name one threshold for every category (BLOCK_ONLY_HIGH, …).
import type { RouteConfig } from '../../config/types.js';
import { GatewayError } from '../../http/errors.js';
import type { GeminiHarmBlockThreshold, GeminiHarmCategory, GeminiSafetySetting } from './gemini-api.js';

export const GEMINI_HARM_CATEGORIES: readonly GeminiHarmCategory[] = [
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
];

const THRESHOLDS: readonly GeminiHarmBlockThreshold[] = ['BLOCK_NONE', 'BLOCK_ONLY_HIGH', 'BLOCK_MEDIUM_AND_ABOVE', 'BLOCK_LOW_AND_ABOVE', 'OFF'];

export function geminiSafetySettings(route: RouteConfig): GeminiSafetySetting[] {
  const setting = (route.safety_settings ?? 'off').trim();
  let threshold: GeminiHarmBlockThreshold;
  if (setting.toLowerCase() === 'off') threshold = 'BLOCK_NONE';
  else {
    const upper = setting.toUpperCase() as GeminiHarmBlockThreshold;
    if (!THRESHOLDS.includes(upper)) {
      throw new GatewayError(
        500,
        'invalid_route_config',
        `The route "${route.alias}" has safety_settings "${setting}"; use "off" or one of ${THRESHOLDS.join(', ')}.`,
        { type: 'server_error' },
      );
    }
    threshold = upper;
  }
  return GEMINI_HARM_CATEGORIES.map((category) => ({ category, threshold }));
}
