// Anthropic Messages API: `POST {base}/v1/messages`, always streamed.
// https://docs.anthropic.com/en/api/messages
// Headers: `x-api-key` (the route's api_key_ref) and `anthropic-version` (the route's
// `anthropic_version`, default 2023-06-01: https://docs.anthropic.com/en/api/versioning).
// Base URL https://api.anthropic.com unless the route sets `base_url` (a proxy, a test fake);
// a base given with its `/v1` works too.
import type { ProviderAdapter } from '../provider.js';
import { baseUrl } from '../provider.js';
import { postUpstream } from '../post-upstream.js';
import { resolveApiKey } from '../../config/resolve-api-key.js';
import { readSseJson } from '../../upstream/read-sse.js';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';
import { mapAnthropicError } from './map-anthropic-error.js';
import { parseAnthropicStream } from './parse-anthropic-stream.js';

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';
const LABEL = 'Anthropic';

export const anthropicAdapter: ProviderAdapter = {
  async call(req, ctx) {
    const { route } = ctx;
    const { body, names, warnings } = convertToAnthropicRequest(req, {
      model: route.model,
      maxOutputTokens: route.max_output_tokens,
      promptCache: route.prompt_cache,
    });
    const key = resolveApiKey(route, ctx.config, ctx.env);
    const res = await postUpstream(
      ctx,
      LABEL,
      `${baseUrl(route).replace(/\/v1$/, '')}/v1/messages`,
      body,
      {
        accept: 'text/event-stream',
        'anthropic-version': route.anthropic_version ?? DEFAULT_ANTHROPIC_VERSION,
        ...(key ? { 'x-api-key': key } : {}),
      },
      mapAnthropicError,
    );
    return { events: parseAnthropicStream(readSseJson(res.body, LABEL), { names, model: route.model }), warnings };
  },
};
