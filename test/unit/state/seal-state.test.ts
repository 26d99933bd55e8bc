import { describe, expect, it } from 'vitest';
import type { Request } from '../../../src/canonical/types.js';
import { createStateSealer } from '../../../src/state/seal-state.js';
import { openRequestState } from '../../../src/state/open-request-state.js';

const sealer = createStateSealer('replica-shared-secret');
const anthropicState = { family: 'anthropic' as const, model: 'claude-opus-4-7', data: { type: 'thinking', thinking: 'hmm', signature: 'EqQBCkgIARABGAIiQL' } };

function requestWith(encryptedContent: string): Request {
  return {
    model: 'alias',
    items: [
      { type: 'message', role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { type: 'reasoning', id: 'rs_1', summary: ['Planning'], encryptedContent },
      { type: 'function_call', callId: 'c1', name: 'exec_command', arguments: '{}' },
    ],
    tools: [],
    stream: true,
    removedTools: [],
    warnings: [],
  };
}

describe('sealing provider state into encrypted_content', () => {
  it('round-trips, and another replica with the same secret opens it', () => {
    const sealed = sealer.seal(anthropicState);
    expect(sealed).toMatch(/^gw1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('EqQBCkgIARABGAIiQL');
    expect(createStateSealer('replica-shared-secret').open(sealed)).toEqual(anthropicState);
  });

  it('does not open under another secret, or once tampered with', () => {
    const sealed = sealer.seal(anthropicState);
    expect(createStateSealer('other-secret').open(sealed)).toBeUndefined();
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
    expect(sealer.open(flipped)).toBeUndefined();
    expect(sealer.open('gw1.')).toBeUndefined();
  });

  it('opens the state for the family that wrote it', () => {
    const req = openRequestState(requestWith(sealer.seal(anthropicState)), 'anthropic', sealer);
    expect(req.items[1]).toEqual({ type: 'reasoning', id: 'rs_1', summary: ['Planning'], state: anthropicState });
    expect(req.warnings).toEqual([]);
  });

  it('leaves state from another family out, with a warning, keeping the item and the call', () => {
    const req = openRequestState(requestWith(sealer.seal(anthropicState)), 'google', sealer);
    expect(req.items[1]).toEqual({ type: 'reasoning', id: 'rs_1', summary: ['Planning'] });
    expect(req.items).toHaveLength(3);
    expect(req.warnings).toEqual(['1 reasoning item(s) came from another provider family; their provider state was left out (google cannot read it)']);
  });

  it('leaves out state that does not open, with a warning', () => {
    const req = openRequestState(requestWith(createStateSealer('old-secret').seal(anthropicState)), 'anthropic', sealer);
    expect(req.items[1]).not.toHaveProperty('state');
    expect(req.warnings[0]).toContain('does not open');
  });

  it("keeps OpenAI's own encrypted reasoning for OpenAI and drops it elsewhere", () => {
    const openaiOwn = 'gAAAAABo-openai-encrypted';
    expect(openRequestState(requestWith(openaiOwn), 'openai', sealer).items[1]).toMatchObject({ encryptedContent: openaiOwn });
    const elsewhere = openRequestState(requestWith(openaiOwn), 'anthropic', sealer);
    expect(elsewhere.items[1]).not.toHaveProperty('encryptedContent');
    expect(elsewhere.warnings[0]).toContain('only OpenAI can read');
  });
});
