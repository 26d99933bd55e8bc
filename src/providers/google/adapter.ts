// Gemini, on the Gemini API (`google` routes) and on Vertex AI (`vertex` routes): the same
// request and stream translation, two ways in (gemini-endpoint.ts). Always streamed; a
// non-streamed client request is collected by the pipeline.
import type { ProviderAdapter } from '../provider.js';
import { postUpstream } from '../post-upstream.js';
import { readSseJson } from '../../upstream/read-sse.js';
import { convertToGeminiRequest } from './convert-to-gemini-request.js';
import { geminiApiEndpoint, vertexEndpoint } from './gemini-endpoint.js';
import { mapGeminiError } from './map-gemini-error.js';
import { parseGeminiStream } from './parse-gemini-stream.js';
import { VertexTokenSource } from './vertex-access-token.js';

export function googleAdapter(kind: 'gemini' | 'vertex'): ProviderAdapter {
  const label = kind === 'vertex' ? 'Vertex AI' : 'Gemini';
  // Access tokens are cached per service account for the life of the process.
  const tokens = kind === 'vertex' ? new VertexTokenSource() : undefined;
  return {
    async call(req, ctx) {
      // Translate first: a request Gemini cannot take is a 400 before any token exchange.
      const { body, names, warnings } = convertToGeminiRequest(req, ctx.route);
      const endpoint = tokens ? await vertexEndpoint(ctx, tokens) : geminiApiEndpoint(ctx);
      const res = await postUpstream(ctx, label, endpoint.url, body, endpoint.headers, (r) => mapGeminiError(label, r));
      return { events: parseGeminiStream(readSseJson(res.body, label), { names, model: ctx.route.model }), warnings };
    },
  };
}
