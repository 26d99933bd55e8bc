// Vertex AI routes: the service-account key named by api_key_ref is exchanged for an access
// token (google-auth-library, JWT-bearer grant) at the key's token_uri, here the loopback
// fake's, which verifies the assertion's RS256 signature with the key's public half. No network.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServiceAccount, type FakeGeminiUpstream, geminiTextChunks, startFakeGeminiUpstream } from '../support/fake-gemini-upstream.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup(opts: { ttl?: number; keyAsPath?: boolean; wrongKey?: boolean; routeExtra?: string } = {}) {
  let sa!: ReturnType<typeof createTestServiceAccount>;
  const upstream: FakeGeminiUpstream = await startFakeGeminiUpstream({
    script: () => ({ chunks: geminiTextChunks('Hello from Vertex.', { usage: { promptTokenCount: 11, candidatesTokenCount: 4, thoughtsTokenCount: 9 } }) }),
    serviceAccount: {
      get clientEmail() {
        return sa.clientEmail;
      },
      get publicKey() {
        // A key pair the gateway does not hold: the signature check must fail.
        return opts.wrongKey ? createTestServiceAccount('x').publicKey : sa.publicKey;
      },
      tokenTtlSeconds: opts.ttl,
    },
  });
  sa = createTestServiceAccount(upstream.tokenUri, 'sa-project');
  let keyValue = JSON.stringify(sa.json);
  if (opts.keyAsPath) {
    const dir = await mkdtemp(join(tmpdir(), 'vertex-sa-'));
    keyValue = join(dir, 'sa.json');
    await writeFile(keyValue, JSON.stringify(sa.json));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
  }
  const gw: TestGateway = await startTestGateway(
    `routes:\n  - alias: "vertex-flash"\n    provider: vertex\n    model: gemini-2.5-flash\n    api_key_ref: vertex_sa\n    base_url: "${upstream.url}"\n${opts.routeExtra ?? '    project: my-project\n    location: europe-west4\n'}`,
    { env: { VERTEX_SA: keyValue } },
  );
  cleanups.push(() => upstream.close(), () => gw.close());
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  return { upstream, gw, client, sa };
}

describe('openai SDK → gateway → Vertex AI (service-account token flow)', () => {
  it('exchanges the key for a token, calls the regional Vertex path with it, and translates the answer', async () => {
    const { upstream, client, sa } = await setup();
    const res = await client.responses.create({ model: 'vertex-flash', input: 'Say hello' });
    expect(res.output_text).toBe('Hello from Vertex.');
    expect(res.usage).toMatchObject({ input_tokens: 11, output_tokens: 13, output_tokens_details: { reasoning_tokens: 9 } });

    expect(upstream.tokenRequests).toHaveLength(1);
    expect(upstream.tokenRequests[0].rejection).toBeUndefined();
    expect(upstream.tokenRequests[0].claims).toMatchObject({ iss: sa.clientEmail, aud: upstream.tokenUri, scope: 'https://www.googleapis.com/auth/cloud-platform' });
    const sent = upstream.requests[0];
    expect(sent.rejection).toBeUndefined();
    expect(sent).toMatchObject({ api: 'vertex', project: 'my-project', location: 'europe-west4', model: 'gemini-2.5-flash' });
    expect(sent.url).toBe('/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(sent.headers.authorization).toBe(`Bearer ${upstream.tokenRequests[0].issued}`);
    expect(sent.headers['x-goog-api-key']).toBeUndefined();
  });

  it('caches the token: two requests, one token exchange', async () => {
    const { upstream, client } = await setup();
    await client.responses.create({ model: 'vertex-flash', input: 'one' });
    await client.responses.create({ model: 'vertex-flash', input: 'two' });
    expect(upstream.requests.map((r) => r.rejection)).toEqual([undefined, undefined]);
    expect(upstream.tokenRequests).toHaveLength(1);
  });

  it('refreshes a token before it expires (one that expires within 5 minutes is renewed)', async () => {
    const { upstream, client } = await setup({ ttl: 120 });
    await client.responses.create({ model: 'vertex-flash', input: 'one' });
    await client.responses.create({ model: 'vertex-flash', input: 'two' });
    expect(upstream.tokenRequests).toHaveLength(2);
    expect(upstream.requests[1].headers.authorization).toBe(`Bearer ${upstream.tokenRequests[1].issued}`);
    expect(upstream.requests.map((r) => r.rejection)).toEqual([undefined, undefined]);
  });

  it('accepts api_key_ref naming a path to the key file; project from the key, default location us-central1', async () => {
    const { upstream, client } = await setup({ keyAsPath: true, routeExtra: '' });
    const res = await client.responses.create({ model: 'vertex-flash', input: 'x' });
    expect(res.output_text).toBe('Hello from Vertex.');
    expect(upstream.requests[0]).toMatchObject({ project: 'sa-project', location: 'us-central1' });
  });

  it('a key the token endpoint refuses: 502 upstream_authentication_failed naming the account, and no Vertex call', async () => {
    const { upstream, client, sa } = await setup({ wrongKey: true });
    const err = await client.responses.create({ model: 'vertex-flash', input: 'x' }).catch((e) => e);
    expect(err.status).toBe(502);
    expect(err.error.code).toBe('upstream_authentication_failed');
    expect(err.error.message).toContain(sa.clientEmail);
    expect(err.error.message).toContain('Invalid JWT Signature');
    expect(err.error.message).not.toContain('PRIVATE KEY');
    expect(upstream.tokenRequests[0].rejection).toBe('Invalid JWT Signature.');
    expect(upstream.requests).toHaveLength(0);
  });
});
