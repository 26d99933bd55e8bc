// Where a Gemini request goes and how it is authenticated.
//
// - `google` (Gemini API): POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse,
//   base https://generativelanguage.googleapis.com unless the route sets base_url, key in
//   `x-goog-api-key` (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent).
// - `vertex` (Vertex AI): POST {base}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:streamGenerateContent?alt=sse,
//   base https://{location}-aiplatform.googleapis.com (https://aiplatform.googleapis.com for
//   the `global` location), `Authorization: Bearer <access token>` from the service-account
//   key named by api_key_ref (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/projects.locations.publishers.models/streamGenerateContent).
//   The project is the route's `project`, else the key's `project_id`; the location the
//   route's `location`, else us-central1.
// `alt=sse` makes both answer as server-sent events (`data: …\r\n\r\n`, no end marker).
import { resolveApiKey } from '../../config/resolve-api-key.js';
import { GatewayError } from '../../http/errors.js';
import type { CallContext } from '../provider.js';
import { readServiceAccountKey, type VertexTokenSource } from './vertex-access-token.js';

export const GEMINI_API_BASE = 'https://generativelanguage.googleapis.com';
export const DEFAULT_VERTEX_LOCATION = 'us-central1';

export interface GeminiEndpoint {
  url: string;
  headers: Record<string, string>;
}

export function geminiApiEndpoint(ctx: CallContext): GeminiEndpoint {
  const base = (ctx.route.base_url ?? GEMINI_API_BASE).replace(/\/+$/, '');
  const key = resolveApiKey(ctx.route, ctx.config, ctx.env);
  return {
    url: `${base}/v1beta/models/${encodeURIComponent(modelId(ctx.route.model))}:streamGenerateContent?alt=sse`,
    headers: { accept: 'text/event-stream', ...(key ? { 'x-goog-api-key': key } : {}) },
  };
}

export async function vertexEndpoint(ctx: CallContext, tokens: VertexTokenSource): Promise<GeminiEndpoint> {
  const route = ctx.route;
  const secret = resolveApiKey(route, ctx.config, ctx.env);
  if (secret === undefined) {
    throw new GatewayError(500, 'upstream_key_missing', `The route "${route.alias}" has no service-account key: set api_key_ref to the variable holding its JSON or its path.`, { type: 'server_error' });
  }
  const key = readServiceAccountKey(secret, route);
  const project = route.project ?? key.project_id;
  if (!project) {
    throw new GatewayError(500, 'invalid_route_config', `The route "${route.alias}" names no Vertex AI project: set project (the service-account key has no project_id).`, { type: 'server_error' });
  }
  const location = route.location ?? DEFAULT_VERTEX_LOCATION;
  const base = (route.base_url ?? (location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${location}-aiplatform.googleapis.com`)).replace(/\/+$/, '');
  const token = await tokens.accessToken(key, route);
  return {
    url: `${base}/v1/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}/publishers/google/models/${encodeURIComponent(modelId(route.model))}:streamGenerateContent?alt=sse`,
    headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
  };
}

// `models/gemini-2.5-pro` and `gemini-2.5-pro` name the same model.
function modelId(model: string): string {
  return model.replace(/^models\//, '');
}
