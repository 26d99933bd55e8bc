// The Gemini fake refuses what Google refuses, so the gateway tests that use it mean
// something. Each rule here is one the real API enforces with 400 INVALID_ARGUMENT.
import { describe, expect, it } from 'vitest';
import { startFakeGeminiUpstream, validateGeminiRequest } from '../../../support/fake-gemini-upstream.js';

const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const call = (name: string, signature?: string) => ({ functionCall: { name, args: {} }, ...(signature ? { thoughtSignature: signature } : {}) });
const response = (name: string) => ({ functionResponse: { name, response: { output: 'ok' } } });
const decl = (parameters: unknown) => ({ tools: [{ functionDeclarations: [{ name: 'f', parameters }] }] });

describe('validateGeminiRequest', () => {
  it('accepts a plain conversation with a function call round trip', () => {
    expect(
      validateGeminiRequest({ contents: [user('go'), { role: 'model', parts: [call('f', 'S')] }, { role: 'user', parts: [response('f')] }] }, 'gemini-3-pro-preview'),
    ).toBeNull();
  });

  it('an empty contents list', () => {
    expect(validateGeminiRequest({ contents: [] }, 'gemini-2.5-pro')).toBe('* GenerateContentRequest.contents: contents is not specified');
  });

  it('roles other than user and model', () => {
    expect(validateGeminiRequest({ contents: [{ role: 'system', parts: [{ text: 'x' }] }] }, 'gemini-2.5-pro')).toBe('Please use a valid role: user, model.');
    expect(validateGeminiRequest({ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, 'gemini-2.5-pro')).toBe('Please use a valid role: user, model.');
  });

  it('additionalProperties / $schema / type arrays / empty OBJECT properties / undefined required in parameters', () => {
    expect(validateGeminiRequest({ contents: [user('x')], ...decl({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }) }, 'gemini-2.5-pro')).toMatch(
      /Unknown name "additionalProperties" at 'tools\[0\].function_declarations\[0\].parameters'/,
    );
    expect(validateGeminiRequest({ contents: [user('x')], ...decl({ $schema: 'x', type: 'object', properties: { a: { type: 'string' } } }) }, 'gemini-2.5-pro')).toMatch(/Unknown name "\$schema"/);
    expect(validateGeminiRequest({ contents: [user('x')], ...decl({ type: 'object', properties: { a: { type: ['string', 'null'] } } }) }, 'gemini-2.5-pro')).toMatch(/Proto field is not repeating/);
    expect(validateGeminiRequest({ contents: [user('x')], ...decl({ type: 'object', properties: {} }) }, 'gemini-2.5-pro')).toMatch(/should be non-empty for OBJECT type/);
    expect(validateGeminiRequest({ contents: [user('x')], ...decl({ type: 'object', properties: { a: { type: 'string' } }, required: ['b'] }) }, 'gemini-2.5-pro')).toMatch(/property is not defined/);
  });

  it('a functionResponse without a name', () => {
    const body = { contents: [user('go'), { role: 'model', parts: [call('f')] }, { role: 'user', parts: [{ functionResponse: { response: { output: 'x' } } }] }] };
    expect(validateGeminiRequest(body, 'gemini-2.5-pro')).toMatch(/Name cannot be empty/);
  });

  it('a functionResponse whose name matches no functionCall in the previous model turn', () => {
    const body = { contents: [user('go'), { role: 'model', parts: [call('f')] }, { role: 'user', parts: [response('g')] }] };
    expect(validateGeminiRequest(body, 'gemini-2.5-pro')).toMatch(/does not match any function call in the previous turn/);
    const noCall = { contents: [user('go'), { role: 'model', parts: [{ text: 'hm' }] }, { role: 'user', parts: [response('f')] }] };
    expect(validateGeminiRequest(noCall, 'gemini-2.5-pro')).toBe('Please ensure that function response turn comes immediately after a function call turn.');
  });

  it('fewer function responses than calls', () => {
    const body = { contents: [user('go'), { role: 'model', parts: [call('f'), call('f')] }, { role: 'user', parts: [response('f')] }] };
    expect(validateGeminiRequest(body, 'gemini-2.5-pro')).toMatch(/number of function response parts is equal to the number of function call parts/);
  });

  it('Gemini 3: the first functionCall of each step of the current turn needs its thought signature (earlier turns are not checked)', () => {
    const step = (sig?: string) => [{ role: 'model', parts: [call('f', sig), call('f')] }, { role: 'user', parts: [response('f'), response('f')] }];
    expect(validateGeminiRequest({ contents: [user('go'), ...step('S1'), ...step()] }, 'gemini-3-flash-preview')).toMatch(/missing a thought_signature in functionCall parts/);
    expect(validateGeminiRequest({ contents: [user('go'), ...step('S1'), ...step('S2')] }, 'gemini-3-flash-preview')).toBeNull();
    // Only the current turn (after the last user text) is validated, and only on Gemini 3.
    expect(validateGeminiRequest({ contents: [user('go'), ...step(), user('next'), ...step('S')] }, 'gemini-3-flash-preview')).toBeNull();
    expect(validateGeminiRequest({ contents: [user('go'), ...step()] }, 'gemini-2.5-flash')).toBeNull();
  });

  it('thinkingLevel with thinkingBudget, and thinkingLevel before Gemini 3', () => {
    const gc = (thinkingConfig: object) => ({ contents: [user('x')], generationConfig: { thinkingConfig } });
    expect(validateGeminiRequest(gc({ thinkingLevel: 'low', thinkingBudget: 10 }), 'gemini-3-pro-preview')).toMatch(/only one of thinking budget and thinking level/);
    expect(validateGeminiRequest(gc({ thinkingLevel: 'low' }), 'gemini-2.5-pro')).toMatch(/Thinking level is not supported/);
  });

  it('unknown fields anywhere in the body', () => {
    expect(validateGeminiRequest({ contents: [user('x')], model: 'gemini' }, 'gemini-2.5-pro')).toMatch(/Unknown name "model"/);
    expect(validateGeminiRequest({ contents: [user('x')], generationConfig: { max_tokens: 5 } }, 'gemini-2.5-pro')).toMatch(/Unknown name "max_tokens"/);
    expect(validateGeminiRequest({ contents: [{ role: 'user', parts: [{ text: 'x', cache_control: {} }] }] }, 'gemini-2.5-pro')).toMatch(/Unknown name "cache_control"/);
  });
});

describe('fake Gemini upstream over HTTP', () => {
  it("answers refusals in Google's error shape, and checks the API key", async () => {
    const fake = await startFakeGeminiUpstream({ script: () => ({ chunks: [] }), apiKey: 'k' });
    try {
      const post = (body: unknown, key?: string) =>
        fetch(`${fake.url}/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { 'x-goog-api-key': key } : {}) },
          body: JSON.stringify(body),
        });
      const bad = await post({ contents: [] }, 'k');
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: { code: 400, message: '* GenerateContentRequest.contents: contents is not specified', status: 'INVALID_ARGUMENT' } });
      expect((await post({ contents: [user('x')] })).status).toBe(403);
      expect((await post({ contents: [user('x')] }, 'wrong')).status).toBe(400);
      expect(fake.requests.map((r) => r.rejection?.status)).toEqual(['INVALID_ARGUMENT', 'PERMISSION_DENIED', 'INVALID_ARGUMENT']);
    } finally {
      await fake.close();
    }
  });
});
