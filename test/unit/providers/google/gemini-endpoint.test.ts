// Where requests go (Gemini API vs Vertex AI URLs), and how the Vertex service-account key
// named by api_key_ref is read: the JSON itself, or a path to it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GatewayConfig, RouteConfig } from '../../../../src/config/types.js';
import { geminiApiEndpoint, vertexEndpoint } from '../../../../src/providers/google/gemini-endpoint.js';
import { readServiceAccountKey, type ServiceAccountKey, VertexTokenSource } from '../../../../src/providers/google/vertex-access-token.js';
import type { CallContext } from '../../../../src/providers/provider.js';

const saJson = JSON.stringify({ type: 'service_account', project_id: 'sa-project', client_email: 'x@sa-project.iam.gserviceaccount.com', private_key: 'PEM' });

function ctx(route: Partial<RouteConfig>, env: Record<string, string> = {}): CallContext {
  const config: GatewayConfig = { routes: [] };
  return { route: { alias: 'a', provider: 'google', model: 'gemini-2.5-pro', ...route } as RouteConfig, config, env, http: undefined as never, signal: new AbortController().signal };
}

// A token source that hands out a fixed token and remembers which key it was asked for.
class StubTokens extends VertexTokenSource {
  seen: ServiceAccountKey[] = [];
  override async accessToken(key: ServiceAccountKey): Promise<string> {
    this.seen.push(key);
    return 'ya29.stub';
  }
}

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Gemini API endpoint', () => {
  it('default base, model in the path, streamed as SSE, key in x-goog-api-key', () => {
    expect(geminiApiEndpoint(ctx({ api_key_ref: 'gemini_key' }, { GEMINI_KEY: 'AIza-test' }))).toEqual({
      url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      headers: { accept: 'text/event-stream', 'x-goog-api-key': 'AIza-test' },
    });
  });

  it('base_url overrides the host; a models/ prefix is not doubled', () => {
    expect(geminiApiEndpoint(ctx({ base_url: 'http://127.0.0.1:9/', model: 'models/gemini-3-pro-preview' })).url).toBe('http://127.0.0.1:9/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse');
  });

  it('a missing key is a clear error for the route', () => {
    expect(() => geminiApiEndpoint(ctx({ api_key_ref: 'gemini_key' }))).toThrow(expect.objectContaining({ status: 500, code: 'upstream_key_missing' }));
  });
});

describe('Vertex AI endpoint', () => {
  it('regional host from the location, project and location in the path, a bearer token', async () => {
    const tokens = new StubTokens();
    const e = await vertexEndpoint(ctx({ provider: 'vertex', api_key_ref: 'vertex_sa', project: 'p1', location: 'europe-west4' }, { VERTEX_SA: saJson }), tokens);
    expect(e).toEqual({
      url: 'https://europe-west4-aiplatform.googleapis.com/v1/projects/p1/locations/europe-west4/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      headers: { accept: 'text/event-stream', authorization: 'Bearer ya29.stub' },
    });
  });

  it('location "global" uses aiplatform.googleapis.com; the default location is us-central1; the project falls back to the key', async () => {
    const tokens = new StubTokens();
    const global = await vertexEndpoint(ctx({ provider: 'vertex', api_key_ref: 'vertex_sa', location: 'global' }, { VERTEX_SA: saJson }), tokens);
    expect(global.url).toBe('https://aiplatform.googleapis.com/v1/projects/sa-project/locations/global/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    const regional = await vertexEndpoint(ctx({ provider: 'vertex', api_key_ref: 'vertex_sa' }, { VERTEX_SA: saJson }), tokens);
    expect(regional.url).toBe('https://us-central1-aiplatform.googleapis.com/v1/projects/sa-project/locations/us-central1/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
  });

  it('the key may be a path to the JSON file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vertex-sa-'));
    const file = join(dir, 'sa.json');
    await writeFile(file, saJson);
    const tokens = new StubTokens();
    await vertexEndpoint(ctx({ provider: 'vertex', api_key_ref: 'vertex_sa', project: 'p' }, { VERTEX_SA: file }), tokens);
    expect(tokens.seen[0].client_email).toBe('x@sa-project.iam.gserviceaccount.com');
  });

  it('no key, a bad key, or no project: clear 500s naming the route, never the key', async () => {
    const tokens = new StubTokens();
    await expect(vertexEndpoint(ctx({ provider: 'vertex', api_key_ref: 'vertex_sa' }), tokens)).rejects.toMatchObject({ status: 500, code: 'upstream_key_missing' });
    await expect(vertexEndpoint(ctx({ provider: 'vertex', api_key_ref: 'vertex_sa' }, { VERTEX_SA: '/no/such/file.json' }), tokens)).rejects.toMatchObject({
      status: 500,
      code: 'upstream_key_invalid',
    });
    await expect(vertexEndpoint(ctx({ provider: 'vertex', api_key_ref: 'vertex_sa' }, { VERTEX_SA: '{"type":"authorized_user","client_email":"a","private_key":"SECRET"}' }), tokens)).rejects.toMatchObject({
      code: 'upstream_key_invalid',
      message: expect.not.stringContaining('SECRET'),
    });
    const noProject = JSON.stringify({ client_email: 'a@b', private_key: 'k' });
    await expect(vertexEndpoint(ctx({ provider: 'vertex', api_key_ref: 'vertex_sa' }, { VERTEX_SA: noProject }), tokens)).rejects.toMatchObject({ code: 'invalid_route_config' });
  });

  it('readServiceAccountKey refuses JSON that is not a service-account key', () => {
    const route = { alias: 'v', provider: 'vertex', model: 'm', api_key_ref: 'k' } as RouteConfig;
    expect(() => readServiceAccountKey('{"client_email": 1}', route)).toThrow(/client_email and private_key are required/);
    expect(() => readServiceAccountKey('{not json', route)).toThrow(/is not valid JSON/);
  });
});
