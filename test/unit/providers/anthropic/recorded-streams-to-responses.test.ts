// Every recorded Anthropic stream (test/fixtures/anthropic/*.chunks.txt), rebuilt into its
// SSE wire form (`event: <type>` frames, cut at odd byte boundaries), read by the SSE reader,
// parsed by parseAnthropicStream and encoded by the Responses encoder: what Codex would
// receive must pass the strict event-order validator. The non-streamed recordings
// (*.json) are replayed as the stream Anthropic sends for the same message.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import type { Event, Tool } from '../../../../src/canonical/types.js';
import { ResponsesStreamEncoder } from '../../../../src/dialects/responses/encode-stream.js';
import { ANTHROPIC_TOOL_NAME_RULES } from '../../../../src/providers/anthropic/convert-to-anthropic-tools.js';
import { parseAnthropicStream } from '../../../../src/providers/anthropic/parse-anthropic-stream.js';
import { buildToolNameMap } from '../../../../src/providers/shared/tool-names.js';
import { readSseJson } from '../../../../src/upstream/read-sse.js';
import { chunksToSseFrames, FIXTURES_DIR, readJsonFixture } from '../../../support/fixtures.js';
import { messageToEvents } from '../../../support/fake-anthropic-upstream.js';
import { assertValidResponsesStream, validateResponsesStream } from '../../../support/responses-stream-validator.js';

const tools: Tool[] = ['updateIssueList', 'weather', 'json', 'test-tool'].map((name) => ({ type: 'function', name, parameters: { type: 'object' } }));
const names = buildToolNameMap(tools, ANTHROPIC_TOOL_NAME_RULES);

// The wire bytes, re-cut every `step` bytes (splitting frames and UTF-8 characters).
async function* wire(frames: string[], step: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(frames.join(''), 'utf8');
  for (let i = 0; i < bytes.length; i += step) yield bytes.subarray(i, i + step);
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const i of items) yield i;
}

async function encode(events: AsyncIterable<Event>) {
  const enc = new ResponsesStreamEncoder({ responseId: 'resp_anthropic', createdAt: 1, echo: { model: 'claude-alias' } });
  const out = [...enc.start()];
  for await (const e of events) out.push(...enc.push(e));
  out.push(...enc.end());
  return { out, response: enc.finalResponse };
}

const chunkFiles = readdirSync(`${FIXTURES_DIR}/anthropic`).filter((f) => f.endsWith('.chunks.txt'));
const INVALID = new Set(['spliced-message-start.chunks.txt']);

describe('Anthropic recordings → SSE bytes → parser → Responses stream', () => {
  it('covers every recording', () => {
    expect(chunkFiles.length).toBe(12);
  });

  it.each(chunkFiles.filter((f) => !INVALID.has(f)))('%s', async (file) => {
    const frames = chunksToSseFrames(`anthropic/${file}`, { named: true });
    for (const step of [7, 4096]) {
      const { out, response } = await encode(parseAnthropicStream(readSseJson(wire(frames, step), 'Anthropic'), { names, model: 'claude-test' }));
      assertValidResponsesStream(out);
      expect(out.at(-1)!.type).toBe('response.completed');
      expect(response.usage!.input_tokens).toBeGreaterThan(0);
    }
  });

  it('spliced-message-start.chunks.txt ends in response.failed with upstream_invalid_stream, the cut-off call left open', async () => {
    const { out, response } = await encode(
      parseAnthropicStream(readSseJson(wire(chunksToSseFrames('anthropic/spliced-message-start.chunks.txt', { named: true }), 13), 'Anthropic'), { names, model: 'claude-test' }),
    );
    assertValidResponsesStream(out);
    expect(out.at(-1)!.type).toBe('response.failed');
    expect(response.error).toMatchObject({ code: 'upstream_invalid_stream' });
    // Never presented as a complete call: no output_item.done for it, status still in progress.
    const call = response.output.find((o) => o.type === 'function_call')!;
    expect(call).toMatchObject({ status: 'in_progress', name: 'test-tool' });
    expect(out.some((e: any) => e.type === 'response.output_item.done' && e.item.id === call.id)).toBe(false);
  });

  it('anthropic-clear-thinking.1.chunks.txt: a reasoning item with the summary, then the message', async () => {
    const { response } = await encode(parseAnthropicStream(from(chunksFrom('anthropic-clear-thinking.1.chunks.txt')), { names, model: 'claude-test' }));
    expect(response.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
    expect(response.output[0].summary).toEqual([{ type: 'summary_text', text: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185' }]);
    expect((response.output[1] as any).content[0].text).toBe('925 ÷ 5 = 185');
  });

  it('anthropic-refusal.chunks.txt: a completed response whose message holds a refusal part, as OpenAI answers a refusal', async () => {
    const { out, response } = await encode(parseAnthropicStream(from(chunksFrom('anthropic-refusal.chunks.txt')), { names, model: 'claude-test' }));
    expect(out.at(-1)!.type).toBe('response.completed');
    expect((response.output[0] as any).content).toEqual([{ type: 'refusal', refusal: expect.stringContaining('Usage Policy') }]);
  });

  it('anthropic-code-execution-20260120-prompt-cache.1.chunks.txt: cached_tokens in the Responses usage', async () => {
    const { response } = await encode(parseAnthropicStream(from(chunksFrom('anthropic-code-execution-20260120-prompt-cache.1.chunks.txt')), { names, model: 'claude-test' }));
    expect(response.usage).toEqual({ input_tokens: 9632, input_tokens_details: { cached_tokens: 6289 }, output_tokens: 198, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 9830 });
  });

  it('max_tokens becomes response.incomplete with reason max_output_tokens', async () => {
    const chunks = chunksFrom('anthropic-text.chunks.txt');
    chunks.at(-2).delta.stop_reason = 'max_tokens';
    const { out, response } = await encode(parseAnthropicStream(from(chunks), { names, model: 'claude-test' }));
    assertValidResponsesStream(out);
    expect(out.at(-1)!.type).toBe('response.incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });
});

describe('non-streamed Anthropic recordings (*.json) replayed as the stream of the same message', () => {
  const jsonFiles = readdirSync(`${FIXTURES_DIR}/anthropic`).filter((f) => f.endsWith('.json'));

  it.each(jsonFiles)('%s', async (file) => {
    const message = readJsonFixture(`anthropic/${file}`);
    const { out, response } = await encode(parseAnthropicStream(from(messageToEvents(message)), { names, model: 'claude-test' }));
    assertValidResponsesStream(out);
    expect(out.at(-1)!.type).toBe('response.completed');
    // Every text, thinking and tool input of the message arrives.
    for (const block of message.content) {
      if (block.type === 'text') expect(JSON.stringify(response.output)).toContain(JSON.stringify(block.text).slice(1, -1));
      if (block.type === 'thinking') expect(response.output.find((o) => o.type === 'reasoning')!.summary).toEqual([{ type: 'summary_text', text: block.thinking }]);
      if (block.type === 'tool_use') {
        const call = response.output.find((o) => o.type === 'function_call' && o.call_id === block.id) as any;
        expect(JSON.parse(call.arguments)).toEqual(block.input);
      }
    }
    const u = message.usage;
    expect(response.usage!.input_tokens).toBe(u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens);
    expect(response.usage!.output_tokens).toBe(u.output_tokens);
  });

  it('anthropic-claude-opus-5-reasoning-high.1.json: thinking_tokens → reasoning_tokens', async () => {
    const { response } = await encode(parseAnthropicStream(from(messageToEvents(readJsonFixture('anthropic/anthropic-claude-opus-5-reasoning-high.1.json'))), { names, model: 'claude-test' }));
    expect(response.usage!.output_tokens_details).toEqual({ reasoning_tokens: 139 });
  });
});

function chunksFrom(file: string): any[] {
  return chunksToSseFrames(`anthropic/${file}`).map((f) => JSON.parse(f.slice('data: '.length)));
}
