// OpenAI's Responses API as an upstream, translated through the canonical model
// (translation: openai_responses_v1). Passthrough routes skip this: see passthrough.ts.
import type { ProviderAdapter } from '../provider.js';
import { baseUrl } from '../provider.js';
import { postUpstream } from '../post-upstream.js';
import { resolveApiKey } from '../../config/resolve-api-key.js';
import { readSseJson } from '../../upstream/read-sse.js';
import { convertToResponsesRequest, responsesRequestWarnings } from './convert-to-responses-request.js';
import { parseResponsesStream } from './parse-responses-stream.js';

export const openAiResponsesAdapter: ProviderAdapter = {
  async call(req, ctx) {
    const body = convertToResponsesRequest(req, { model: ctx.route.model });
    const key = resolveApiKey(ctx.route, ctx.config, ctx.env);
    const res = await postUpstream(ctx, 'OpenAI', `${baseUrl(ctx.route)}/responses`, body, {
      accept: 'text/event-stream',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    });
    return { events: parseResponsesStream(readSseJson(res.body, 'OpenAI')), warnings: responsesRequestWarnings(req) };
  },
};
