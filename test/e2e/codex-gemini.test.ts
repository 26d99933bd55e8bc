// The real Codex CLI 0.169.0 runs its agent loop through the gateway to loopback Gemini-shaped
// fakes (test/support/fake-gemini-upstream.ts) that refuse what Google refuses: a Gemini 3
// call turn without its thought signature, a functionResponse that names no call, schemas
// outside Gemini's subset, roles other than user/model.
//
// (a) apply_patch (Codex's freeform tool, enabled through a model_catalog_json entry) against
//     the Gemini API: turn 1 streams a functionCall with a thoughtSignature; turn 2 must bring
//     that signature back on that functionCall part and name apply_patch in the functionResponse.
// (b) exec_command against Vertex AI, authenticated with a service-account key exchanged at the
//     fake's token endpoint.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestServiceAccount,
  type FakeGeminiUpstream,
  type GeminiReply,
  type GeminiScriptRequest,
  geminiFunctionCallChunks,
  geminiTextChunks,
  startFakeGeminiUpstream,
} from '../support/fake-gemini-upstream.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { modelCatalogFor, runCodexExec } from '../support/run-codex.js';

const PATCH_SIGNATURE = 'CiQBjz1rX-apply-patch-signature-turn-1==';
const EXEC_SIGNATURE = 'CiQBjz1rX-exec-command-signature-turn-1==';

let upstream: FakeGeminiUpstream;
let gw: TestGateway;
let script: (req: GeminiScriptRequest) => GeminiReply;
let sa: ReturnType<typeof createTestServiceAccount>;

beforeAll(async () => {
  upstream = await startFakeGeminiUpstream({
    script: (req) => script(req),
    apiKey: 'AIza-e2e-key',
    serviceAccount: {
      get clientEmail() {
        return sa.clientEmail;
      },
      get publicKey() {
        return sa.publicKey;
      },
    },
  });
  sa = createTestServiceAccount(upstream.tokenUri, 'codex-e2e');
  gw = await startTestGateway(
    [
      'routes:',
      '  - alias: "gemini-3-via-gateway"',
      '    provider: google',
      '    model: gemini-3-pro-preview',
      '    api_key_ref: gemini_key',
      `    base_url: "${upstream.url}"`,
      '  - alias: "vertex-gemini-3-flash"',
      '    provider: vertex',
      '    model: gemini-3-flash-preview',
      '    api_key_ref: vertex_sa',
      '    project: codex-e2e',
      '    location: us-east5',
      `    base_url: "${upstream.url}"`,
      '',
    ].join('\n'),
    { env: { GEMINI_KEY: 'AIza-e2e-key', VERTEX_SA: JSON.stringify(sa.json) } },
  );
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const hasFunctionResponse = (body: any) => body.contents.some((c: any) => c.parts.some((p: any) => p.functionResponse));

// What turn 2 must carry: the model content holding the call, with the signature on the call
// part, followed by a user content whose functionResponse names the function.
function checkTurn2(body: any, name: string, signature: string): string | null {
  const i = body.contents.findIndex((c: any) => c.role === 'model' && c.parts.some((p: any) => p.functionCall?.name === name));
  if (i < 0) return `no model content with a ${name} functionCall`;
  const call = body.contents[i].parts.find((p: any) => p.functionCall?.name === name);
  if (call.thoughtSignature !== signature) return `the ${name} functionCall came back with thoughtSignature ${JSON.stringify(call.thoughtSignature)}`;
  const response = body.contents[i + 1]?.parts.find((p: any) => p.functionResponse);
  if (response?.functionResponse.name !== name) return `the functionResponse after it names ${JSON.stringify(response?.functionResponse.name)}`;
  return null;
}

const refuse = (message: string): GeminiReply => ({ json: { error: { code: 400, message, status: 'INVALID_ARGUMENT' } }, status: 400 });

describe('Codex CLI through the gateway to Gemini', () => {
  it('completes an apply_patch loop on the Gemini API (gemini-3): the signature comes back on the call, the file is patched, Codex exits 0', async () => {
    const workdir = await mkdtemp(join(tmpdir(), 'codex-gemini-'));
    const first = upstream.requests.length;
    const patch = '*** Begin Patch\n*** Add File: patched.txt\n+patched through Gemini\n*** End Patch\n';
    script = ({ body }) => {
      if (!hasFunctionResponse(body)) {
        return {
          chunks: geminiFunctionCallChunks([{ name: 'apply_patch', args: { input: patch } }], {
            thoughts: '**Creating the file**\n\nI will add patched.txt with apply_patch.',
            signature: PATCH_SIGNATURE,
            modelVersion: 'gemini-3-pro-preview',
          }),
        };
      }
      const problem = checkTurn2(body, 'apply_patch', PATCH_SIGNATURE);
      return problem ? refuse(problem) : { chunks: geminiTextChunks('Patched.', { signature: 'CiQBjz1rX-final-text==' }) };
    };
    const run = await runCodexExec({
      baseUrl: `${gw.url}/v1`,
      model: 'gemini-3-via-gateway',
      prompt: 'Create patched.txt containing "patched through Gemini" using apply_patch.',
      workdir,
      modelCatalogJson: modelCatalogFor('gemini-3-via-gateway'),
      extraConfig: ['model_providers.gateway.request_max_retries=0', 'model_providers.gateway.stream_max_retries=0'],
    });
    const sent = upstream.requests.slice(first);
    expect(sent.map((r) => r.rejection?.message), run.stderr.slice(-2000)).toEqual([undefined, undefined]);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(await readFile(join(workdir, 'patched.txt'), 'utf8')).toBe('patched through Gemini\n');
    expect(run.stdout).toContain('Patched.');

    // Turn 1 offered apply_patch as a one-string function with a Gemini-clean schema.
    const decl = sent[0].body.tools[0].functionDeclarations.find((d: any) => d.name === 'apply_patch');
    expect(decl.parameters).toEqual({ type: 'OBJECT', properties: { input: { type: 'STRING', description: 'The raw input of the apply_patch tool.' } }, required: ['input'] });
    expect(sent[0].headers['x-goog-api-key']).toBe('AIza-e2e-key');
    // Turn 2: the thought part and the signature came back verbatim, the call re-wrapped as {input}.
    const model = sent[1].body.contents.find((c: any) => c.role === 'model');
    expect(model.parts).toEqual([
      { text: '**Creating the file**\n\nI will add patched.txt with apply_patch.', thought: true },
      { functionCall: { name: 'apply_patch', args: { input: patch } }, thoughtSignature: PATCH_SIGNATURE },
    ]);
    expect(gw.turns.slice(-2).map((t) => t.status)).toEqual(['completed', 'completed']);
    await rm(workdir, { recursive: true, force: true });
  });

  it('completes an exec_command loop on Vertex AI with the service-account token flow', async () => {
    const workdir = await mkdtemp(join(tmpdir(), 'codex-vertex-'));
    const first = upstream.requests.length;
    const tokensBefore = upstream.tokenRequests.length;
    script = ({ body, api }) => {
      if (api !== 'vertex') return refuse('expected a Vertex AI request');
      if (!hasFunctionResponse(body)) {
        return { chunks: geminiFunctionCallChunks([{ name: 'exec_command', args: { cmd: 'echo hello > out.txt' } }], { signature: EXEC_SIGNATURE }) };
      }
      const problem = checkTurn2(body, 'exec_command', EXEC_SIGNATURE);
      return problem ? refuse(problem) : { chunks: geminiTextChunks('Done: the file is written.') };
    };
    const run = await runCodexExec({
      baseUrl: `${gw.url}/v1`,
      model: 'vertex-gemini-3-flash',
      prompt: 'Run this exact shell command in the current directory: echo hello > out.txt. Then reply done.',
      workdir,
      extraConfig: ['model_providers.gateway.request_max_retries=0', 'model_providers.gateway.stream_max_retries=0'],
    });
    const sent = upstream.requests.slice(first);
    expect(sent.map((r) => r.rejection?.message), run.stderr.slice(-2000)).toEqual([undefined, undefined]);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(await readFile(join(workdir, 'out.txt'), 'utf8')).toBe('hello\n');
    expect(run.stdout).toContain('Done: the file is written.');

    expect(sent.map((r) => [r.api, r.project, r.location, r.model])).toEqual([
      ['vertex', 'codex-e2e', 'us-east5', 'gemini-3-flash-preview'],
      ['vertex', 'codex-e2e', 'us-east5', 'gemini-3-flash-preview'],
    ]);
    // One token exchange, verified against the key, reused for both turns.
    const tokens = upstream.tokenRequests.slice(tokensBefore);
    expect(tokens.map((t) => t.rejection)).toEqual([undefined]);
    expect(sent.map((r) => r.headers.authorization)).toEqual([`Bearer ${tokens[0].issued}`, `Bearer ${tokens[0].issued}`]);
    await rm(workdir, { recursive: true, force: true });
  });
});
