// Every recorded provider stream the gateway translates today, replayed through its
// provider parser and the Responses encoder: what Codex would receive must pass the
// strict event-order validator (test/support/responses-stream-validator.ts).
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import type { Event, Tool } from '../../../src/canonical/types.js';
import { ResponsesStreamEncoder } from '../../../src/dialects/responses/encode-stream.js';
import { parseChatStream } from '../../../src/providers/openai-compatible/parse-chat-stream.js';
import { parseResponsesStream } from '../../../src/providers/openai/parse-responses-stream.js';
import { buildToolNameMap } from '../../../src/providers/shared/tool-names.js';
import { CHAT_TOOL_NAME_RULES } from '../../../src/providers/openai-compatible/convert-to-chat-tools.js';
import { assertValidResponsesStream, splitResponses } from '../../support/responses-stream-validator.js';
import { FIXTURES_DIR, readChunks, readFixture } from '../../support/fixtures.js';
import { parseSseText } from '../../support/sse-text.js';

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const i of items) yield i;
}

async function encode(events: AsyncIterable<Event>) {
  const enc = new ResponsesStreamEncoder({ responseId: 'resp_replay', createdAt: 1, echo: { model: 'alias' } });
  const out = [...enc.start()];
  const canonical: Event[] = [];
  for await (const e of events) {
    canonical.push(e);
    out.push(...enc.push(e));
  }
  out.push(...enc.end());
  return { out, canonical, response: enc.finalResponse };
}

const files = (dir: string, ext: string) => readdirSync(`${FIXTURES_DIR}/${dir}`).filter((f) => f.endsWith(ext)).map((f) => `${dir}/${f}`);

// The tools the recordings call, so names map back as a client declared them.
const tools: Tool[] = ['updateIssueList', 'get_weather', 'weather', 'getWeather', 'read_file', 'json'].map((name) => ({ type: 'function', name, parameters: { type: 'object' } }));
const names = buildToolNameMap(tools, CHAT_TOOL_NAME_RULES);

describe('Chat Completions recordings (openai-chat, openai-compatible, mistral) → Responses stream', () => {
  const chatFiles = [...files('openai-chat', '.chunks.txt'), ...files('openai-compatible', '.chunks.txt'), ...files('mistral', '.chunks.txt')];
  it.each(chatFiles)('%s', async (file) => {
    const flavor = file.startsWith('mistral/') ? 'mistral' : 'openai_compatible';
    const { out, canonical, response } = await encode(parseChatStream(from(readChunks(file)), { names, flavor }));
    assertValidResponsesStream(out);
    // Nothing a user would read is lost: every text and argument byte arrives.
    const text = canonical.filter((e) => e.type === 'text_delta').map((e: any) => e.delta).join('');
    const outText = response.output.filter((o) => o.type === 'message').flatMap((o: any) => o.content.map((c: any) => c.text ?? c.refusal)).join('');
    expect(outText).toBe(text);
    expect(['response.completed', 'response.incomplete']).toContain(out.at(-1)!.type);
  });

  it('the raw SSE of openai-compatible/anthropic-fallback-tool-call.sse', async () => {
    const payloads = parseSseText(readFixture('openai-compatible/anthropic-fallback-tool-call.sse'))
      .map((f) => f.data)
      .filter((d) => d !== '[DONE]')
      .map((d) => JSON.parse(d));
    const { out, response } = await encode(parseChatStream(from(payloads), { names, flavor: 'openai_compatible' }));
    assertValidResponsesStream(out);
    expect(response.output.find((o) => o.type === 'function_call')).toMatchObject({ arguments: '{"path": "a.txt"}' });
  });
});

describe('OpenAI Responses recordings → canonical → Responses stream (translated openai route)', () => {
  it.each(files('openai-responses', '.chunks.txt'))('%s', async (file) => {
    // One file holds four responses back to back; each is its own upstream call.
    for (const upstream of splitResponses(readChunks(file))) {
      const { out } = await encode(parseResponsesStream(from(upstream)));
      assertValidResponsesStream(out);
      const upstreamTerminal = upstream.at(-1).type;
      const expected = upstreamTerminal === 'response.completed' ? 'response.completed' : upstreamTerminal === 'response.incomplete' ? 'response.incomplete' : 'response.failed';
      expect(out.at(-1)!.type).toBe(expected);
    }
  });

  it.each(['codex/sse-full-exec_command.txt', 'codex/sse-full-apply_patch.txt'])('%s (what Codex accepted)', async (file) => {
    const all = parseSseText(readFixture(file)).map((f) => JSON.parse(f.data));
    for (const upstream of splitResponses(all)) {
      const { out, response } = await encode(parseResponsesStream(from(upstream)));
      assertValidResponsesStream(out);
      const original = upstream.at(-1).response.output.map((o: any) => [o.type, o.name ?? null, o.arguments ?? o.input ?? null]);
      expect(response.output.map((o: any) => [o.type, o.name ?? null, o.arguments ?? o.input ?? null])).toEqual(original);
    }
  });
});
