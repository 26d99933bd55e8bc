// Replays recorded OpenAI Responses streams (test/fixtures/openai-responses/*.chunks.txt,
// see test/fixtures/README.md for which are live and which hand-written) and the real
// Codex-accepted streams (test/fixtures/codex/sse-*.txt) through parseResponsesStream.
import { describe, expect, it } from 'vitest';
import type { Event, FinishReason, GatewayErrorInfo, Usage } from '../../../../src/canonical/types.js';
import { parseResponsesStream } from '../../../../src/providers/openai/parse-responses-stream.js';
import { readChunks, readFixture } from '../../../support/fixtures.js';

async function* iterate<T>(values: T[]): AsyncGenerator<T> {
  for (const v of values) yield v;
}

async function parse(events: unknown[]): Promise<Event[]> {
  const out: Event[] = [];
  for await (const e of parseResponsesStream(iterate(events))) out.push(e);
  return out;
}

const warnings = (events: Event[]) => events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));

// What a client would see, rebuilt from the canonical events; also checks the stream
// is well formed (start first, every block opened once and closed once, deltas only
// inside their block, nothing after the terminal event).
interface Summary {
  start?: { id?: string; model?: string };
  texts: { text: string; phase?: string; refusal: boolean }[];
  reasoning: { id?: string; summary: string[]; text: string; encryptedContent?: string }[];
  toolCalls: { kind: string; callId: string; name: string; namespace?: string; id?: string; input: string; deltas: number }[];
  usage?: Usage;
  finish?: FinishReason;
  error?: GatewayErrorInfo;
}

function summarize(events: Event[]): Summary {
  const s: Summary = { texts: [], reasoning: [], toolCalls: [] };
  const open = new Map<string, { kind: string; ref: any }>();
  const seen = new Set<string>();
  events.forEach((e, i) => {
    if (i === 0) expect(e.type === 'start' || e.type === 'error').toBe(true);
    if (s.finish || s.error) throw new Error(`event after the terminal event: ${JSON.stringify(e)}`);
    const begin = (key: string, kind: string, ref: any) => {
      expect(seen.has(key), `key ${key} reused`).toBe(false);
      seen.add(key);
      open.set(key, { kind, ref });
    };
    const inside = (key: string, kind: string) => {
      const block = open.get(key);
      expect(block?.kind, `${kind} event outside its block ${key}`).toBe(kind);
      return block!.ref;
    };
    switch (e.type) {
      case 'start':
        expect(i).toBe(0);
        s.start = { id: e.id, model: e.model };
        break;
      case 'text_start':
      case 'refusal_start': {
        const ref = { text: '', refusal: e.type === 'refusal_start', ...(e.type === 'text_start' && e.phase ? { phase: e.phase } : {}) };
        s.texts.push(ref);
        begin(e.key, 'text', ref);
        break;
      }
      case 'text_delta':
      case 'refusal_delta':
        inside(e.key, 'text').text += e.delta;
        break;
      case 'text_end':
      case 'refusal_end':
        inside(e.key, 'text');
        open.delete(e.key);
        break;
      case 'reasoning_start': {
        const ref = { ...(e.id ? { id: e.id } : {}), summary: [] as string[], text: '' };
        s.reasoning.push(ref);
        begin(e.key, 'reasoning', ref);
        break;
      }
      case 'reasoning_delta': {
        const ref = inside(e.key, 'reasoning');
        if (e.kind === 'summary') ref.summary[e.summaryIndex ?? 0] = (ref.summary[e.summaryIndex ?? 0] ?? '') + e.delta;
        else ref.text += e.delta;
        break;
      }
      case 'reasoning_end': {
        const ref = inside(e.key, 'reasoning');
        if (e.encryptedContent !== undefined) ref.encryptedContent = e.encryptedContent;
        open.delete(e.key);
        break;
      }
      case 'tool_call_start': {
        const ref = {
          kind: e.kind,
          callId: e.callId,
          name: e.name,
          ...(e.namespace ? { namespace: e.namespace } : {}),
          ...(e.id ? { id: e.id } : {}),
          input: '',
          deltas: 0,
        };
        s.toolCalls.push(ref);
        begin(e.key, 'tool', ref);
        break;
      }
      case 'tool_call_delta': {
        const ref = inside(e.key, 'tool');
        ref.input += e.delta;
        ref.deltas += 1;
        break;
      }
      case 'tool_call_end':
        inside(e.key, 'tool');
        open.delete(e.key);
        break;
      case 'usage':
        s.usage = e.usage;
        break;
      case 'finish':
        expect([...open.keys()], 'blocks left open at finish').toEqual([]);
        s.finish = e.reason;
        break;
      case 'error':
        s.error = e.error;
        break;
    }
  });
  return s;
}

// A `.chunks.txt` file may hold several responses back to back (README): one per response.created.
function splitResponses(events: any[]): any[][] {
  const out: any[][] = [];
  for (const e of events) {
    if (e.type === 'response.created' || out.length === 0) out.push([]);
    out[out.length - 1].push(e);
  }
  return out;
}

// A Codex capture: raw SSE text, `# …` comment lines between turns, `data:` payloads.
function readCodexSseTurns(name: string): any[][] {
  const turns: any[][] = [];
  for (const line of readFixture(`codex/${name}`).split('\n')) {
    if (line.startsWith('# ')) turns.push([]);
    else if (line.startsWith('data: ')) turns[turns.length - 1].push(JSON.parse(line.slice(6)));
  }
  return turns;
}

const usage = (inputTokens: number, cachedInputTokens: number, outputTokens: number, reasoningTokens: number, cacheWriteTokens = 0): Usage => ({
  inputTokens,
  cachedInputTokens,
  cacheWriteTokens,
  outputTokens,
  reasoningTokens,
});

// The text the upstream's response.completed says it produced (independent of the deltas).
function completedTexts(events: any[]): string[] {
  const done = events.find((e) => e.type === 'response.completed');
  return done.response.output
    .filter((o: any) => o.type === 'message')
    .flatMap((o: any) => o.content.map((p: any) => p.text));
}

describe('parseResponsesStream: recorded OpenAI Responses streams', () => {
  it('openai-shell-local-multiturn.1: plain text in 8 deltas, usage, stop', async () => {
    const s = summarize(await parse(readChunks('openai-responses/openai-shell-local-multiturn.1.chunks.txt')));
    expect(s.start).toEqual({ id: 'resp_0b0392bd3bb81302006994e83ac0ac819396f3f5aa5f239e03', model: 'gpt-5.2-2025-12-11' });
    expect(s.texts).toEqual([{ text: '`arm64` (Apple Silicon).', refusal: false }]);
    expect(s.reasoning).toEqual([]);
    expect(s.toolCalls).toEqual([]);
    expect(s.usage).toEqual(usage(444, 0, 12, 0));
    expect(s.finish).toBe('stop');
  });

  it('azure-text.1: Azure extras on the response objects do not matter', async () => {
    const s = summarize(await parse(readChunks('openai-responses/azure-text.1.chunks.txt')));
    expect(s.start?.model).toBe('gpt-5.1');
    expect(s.texts).toEqual([{ text: 'Hello', refusal: false }]);
    expect(s.usage).toEqual(usage(11, 0, 11, 0));
    expect(s.finish).toBe('stop');
  });

  it('openai-client-tool-search.2: a function call whose arguments arrive in 13 deltas split inside strings', async () => {
    const s = summarize(await parse(readChunks('openai-responses/openai-client-tool-search.2.chunks.txt')));
    expect(s.toolCalls).toEqual([
      {
        kind: 'function',
        callId: 'call_Q7pq6EfVGRnauPLWSSYBGJ1l',
        name: 'get_weather',
        id: 'fc_05147bbe356953b60069ab673745c081969b5c16c333b4f179',
        input: '{"location":"San Francisco, CA","unit":"fahrenheit"}',
        deltas: 13,
      },
    ]);
    expect(s.texts).toEqual([]);
    expect(s.usage).toEqual(usage(467, 0, 26, 0));
    expect(s.finish).toBe('tool_calls');
  });

  it('azure-tool-call.1: a function call in 6 deltas', async () => {
    const s = summarize(await parse(readChunks('openai-responses/azure-tool-call.1.chunks.txt')));
    expect(s.toolCalls).toEqual([
      {
        kind: 'function',
        callId: 'call_H5DxLSFnsGhiROnUiDHmgyc8',
        name: 'weather',
        id: 'fc_04041325ab8ae30400698c51c5468c8197a395f18875a5339f',
        input: '{"location":"San Francisco"}',
        deltas: 6,
      },
    ]);
    expect(s.usage).toEqual(usage(45, 0, 24, 0));
    expect(s.finish).toBe('tool_calls');
  });

  describe('openai-reasoning-encrypted-content.1: four store:false responses back to back', () => {
    const chunks = readChunks('openai-responses/openai-reasoning-encrypted-content.1.chunks.txt');
    const responses = splitResponses(chunks);

    it('holds four responses', () => {
      expect(responses).toHaveLength(4);
    });

    it('1st: reasoning summary, the encrypted_content of output_item.done (not .added), a calculator call', async () => {
      const added = responses[0].find((e) => e.type === 'response.output_item.added' && e.item.type === 'reasoning');
      const done = responses[0].find((e) => e.type === 'response.output_item.done' && e.item.type === 'reasoning');
      expect(added.item.encrypted_content).not.toBe(done.item.encrypted_content);

      const s = summarize(await parse(responses[0]));
      expect(s.start).toEqual({ id: 'resp_01830d662ab3856501693c321345c88190b0de00f3b9975691', model: 'gpt-5.1-codex-max' });
      expect(s.reasoning).toEqual([
        {
          id: 'rs_01830d662ab3856501693c321405c88190be3ab04d5782d5f9',
          summary: [
            "**Calculating step-by-step using calculator**\n\nI'll compute 12 plus 7, then multiply the result by 3, and finally multiply that by 10, reporting the final product.",
          ],
          text: '',
          encryptedContent: done.item.encrypted_content,
        },
      ]);
      expect(s.reasoning[0].encryptedContent).toMatch(/^gAAAAABpPDIVOKrsHNZ0/);
      expect(s.toolCalls).toEqual([
        {
          kind: 'function',
          callId: 'call_AB6AaRZ1FYZB2RwS6A5vbdqn',
          name: 'calculator',
          id: 'fc_01830d662ab3856501693c32151234819091cfca267e98cc5f',
          input: '{"a":12,"b":7,"op":"add"}',
          deltas: 13,
        },
      ]);
      expect(s.usage).toEqual(usage(134, 0, 28, 0));
      expect(s.finish).toBe('tool_calls');
    });

    it('2nd and 3rd: one function call each', async () => {
      const second = summarize(await parse(responses[1]));
      expect(second.toolCalls.map((c) => [c.callId, c.input])).toEqual([
        ['call_Q6pW65MUgW9vF59BmItYGos3', '{"a":19,"b":3,"op":"multiply"}'],
      ]);
      expect(second.usage).toEqual(usage(221, 0, 26, 0));
      const third = summarize(await parse(responses[2]));
      expect(third.toolCalls.map((c) => [c.callId, c.input])).toEqual([
        ['call_Zl5vIMnD7dVAjgU6FkhmiCZh', '{"a":57,"b":10,"op":"multiply"}'],
      ]);
      expect(third.usage).toEqual(usage(260, 0, 26, 0));
      expect(third.finish).toBe('tool_calls');
    });

    it('4th: the final message', async () => {
      const s = summarize(await parse(responses[3]));
      expect(s.texts).toEqual([{ text: 'The final result is **570**.', refusal: false }]);
      expect(s.usage).toEqual(usage(299, 0, 12, 0));
      expect(s.finish).toBe('stop');
    });

    it('a stream holding several responses ends at the first terminal event', async () => {
      const events = await parse(chunks);
      expect(events.filter((e) => e.type === 'finish')).toHaveLength(1);
      expect(summarize(events).toolCalls.map((c) => c.callId)).toEqual(['call_AB6AaRZ1FYZB2RwS6A5vbdqn']);
    });
  });

  it('github-copilot-id-rotation.1: item_id changes on every event; correlated by output_index', async () => {
    const chunks = readChunks('openai-responses/github-copilot-id-rotation.1.chunks.txt');
    const deltaIds = new Set(chunks.filter((c) => c.type === 'response.output_text.delta').map((c) => c.item_id));
    expect(deltaIds.size).toBeGreaterThan(50);

    const s = summarize(await parse(chunks));
    expect(s.start).toEqual({ id: 'capture-id-1', model: 'gpt-5.3-codex' });
    // encrypted_content is null on this endpoint: no encryptedContent.
    expect(s.reasoning).toEqual([{ id: 'capture-id-3', summary: ['**Counting character occurrences**'], text: '' }]);
    expect(s.texts).toEqual([
      {
        text: 'There are **3** letter **“r”**s in **“strawberry.”**\n\nBreakdown: **s t r a w b e r r y**  \nYou can see **r** at positions **3, 8, and 9**.',
        phase: 'final_answer',
        refusal: false,
      },
    ]);
    expect(s.usage).toEqual(usage(19, 0, 105, 44, 0));
    expect(s.finish).toBe('stop');
  });

  it('github-copilot: cache_write_tokens is read when non-zero', async () => {
    const chunks = readChunks('openai-responses/github-copilot-id-rotation.1.chunks.txt').map((c) =>
      c.type === 'response.completed'
        ? { ...c, response: { ...c.response, usage: { ...c.response.usage, input_tokens_details: { cached_tokens: 5, cache_write_tokens: 7 } } } }
        : c,
    );
    expect(summarize(await parse(chunks)).usage).toEqual(usage(19, 5, 105, 44, 7));
  });

  it('openai-phase.1: two messages with their phase; trimmed deltas completed from the .done text', async () => {
    const chunks = readChunks('openai-responses/openai-phase.1.chunks.txt');
    const s = summarize(await parse(chunks));
    const [commentary, final] = completedTexts(chunks);
    expect(commentary).toMatch(/^Got it — I’ll quickly check reliable/);
    expect(s.texts).toEqual([
      { text: commentary, phase: 'commentary', refusal: false },
      { text: final, phase: 'final_answer', refusal: false },
    ]);
    expect(s.usage).toEqual(usage(7112, 3072, 463, 64));
    expect(s.finish).toBe('stop');
  });

  it('openai-error.1: an error event mid-stream becomes one canonical error (insufficient_quota → 429)', async () => {
    const events = await parse(readChunks('openai-responses/openai-error.1.chunks.txt'));
    expect(events.map((e) => e.type)).toEqual(['start', 'error']);
    expect(summarize(events).error).toEqual({
      status: 429,
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      message:
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
      param: null,
    });
  });

  it('openai-custom-tool.1 (hand-written, no custom_tool_call_input.done): a freeform call closed by output_item.done', async () => {
    const s = summarize(await parse(readChunks('openai-responses/openai-custom-tool.1.chunks.txt')));
    expect(s.toolCalls).toEqual([
      {
        kind: 'custom',
        callId: 'call_custom_sql_001',
        name: 'write_sql',
        id: 'ct_abc123def456',
        input: 'SELECT * FROM users WHERE age > 25',
        deltas: 3,
      },
    ]);
    expect(s.usage).toEqual(usage(50, 0, 20, 0));
    expect(s.finish).toBe('tool_calls');
  });

  it('openai-apply-patch-tool.1: the hosted apply_patch_call has no canonical form and is skipped', async () => {
    const events = await parse(readChunks('openai-responses/openai-apply-patch-tool.1.chunks.txt'));
    expect(events.map((e) => e.type)).toEqual(['start', 'warning', 'usage', 'finish']);
    expect(warnings(events)).toEqual(["output[0]: 'apply_patch_call' item not forwarded: the canonical model has no form for it"]);
    const s = summarize(events);
    expect(s.usage).toEqual(usage(642, 0, 67, 0));
    expect(s.finish).toBe('stop');
  });

  it('openai-local-shell-tool.1: an empty reasoning item, the hosted local_shell_call skipped', async () => {
    const events = await parse(readChunks('openai-responses/openai-local-shell-tool.1.chunks.txt'));
    expect(warnings(events)).toEqual(["output[1]: 'local_shell_call' item not forwarded: the canonical model has no form for it"]);
    const s = summarize(events);
    expect(s.reasoning).toEqual([{ id: 'rs_68da7fd65a3481948bbb35ff2c79c6c20faf5df54b42d9a6', summary: [], text: '' }]);
    expect(s.toolCalls).toEqual([]);
    expect(s.texts).toEqual([]);
    expect(s.usage).toEqual(usage(407, 0, 151, 128));
    expect(s.finish).toBe('stop');
  });

  it('openai-web-search-tool.1: 7 reasoning items, 6 web_search_calls skipped, annotations ignored, the text whole', async () => {
    const chunks = readChunks('openai-responses/openai-web-search-tool.1.chunks.txt');
    const s = summarize(await parse(chunks));
    expect(s.reasoning).toHaveLength(7);
    expect(s.reasoning.every((r) => r.summary.length === 0 && r.id?.startsWith('rs_0cc96ac817fdc57e'))).toBe(true);
    expect(s.toolCalls).toEqual([]);
    expect(s.texts).toEqual([{ text: completedTexts(chunks)[0], refusal: false }]);
    expect(s.texts[0].text).toMatch(/^I checked today’s tech headlines/);
    expect(s.usage).toEqual(usage(31073, 3712, 4416, 3712));
    expect(s.finish).toBe('stop');
  });

  it('openai-web-search-tool.1: one warning per skipped web_search_call, one for the 12 url_citations', async () => {
    const events = await parse(readChunks('openai-responses/openai-web-search-tool.1.chunks.txt'));
    expect(warnings(events)).toEqual([
      ...[1, 3, 5, 7, 9, 11].map((i) => `output[${i}]: 'web_search_call' item not forwarded: the canonical model has no form for it`),
      "output[13]: dropped 12 'url_citation' annotation(s): the canonical model carries no annotations",
    ]);
    // Each item's warning comes when the item is first seen, before anything after it.
    const firstText = events.findIndex((e) => e.type === 'text_start');
    expect(events.findIndex((e) => e.type === 'warning')).toBeLessThan(firstText);
  });

  it('warns about annotations given only on the done events, and names an item without output_index by id', async () => {
    const part = { type: 'output_text', text: 'See [a](https://a.example).', annotations: [{ type: 'url_citation', url: 'https://a.example' }, { type: 'file_citation' }] };
    const events = await parse([
      { type: 'response.created', response: { id: 'r', model: 'm' } },
      { type: 'response.output_item.added', item: { id: 'ws_1', type: 'web_search_call' } },
      { type: 'response.output_item.added', output_index: 1, item: { id: 'msg_1', type: 'message', content: [] } },
      { type: 'response.content_part.done', output_index: 1, content_index: 0, part },
      { type: 'response.output_item.done', output_index: 1, item: { id: 'msg_1', type: 'message', content: [part] } },
      { type: 'response.completed', response: { output: [{}, { id: 'msg_1', type: 'message', content: [part] }], usage: null } },
    ]);
    expect(warnings(events)).toEqual([
      "output item ws_1: 'web_search_call' item not forwarded: the canonical model has no form for it",
      "output[1]: dropped 1 'url_citation' annotation(s): the canonical model carries no annotations",
      "output[1]: dropped 1 'file_citation' annotation(s): the canonical model carries no annotations",
    ]);
  });
});

describe('parseResponsesStream: streams the real Codex CLI accepts (test/fixtures/codex/sse-*.txt)', () => {
  const planning = { id: 'rs_fake_1_0', summary: ['**Planning**\n\nI will run the requested command.'], text: '', encryptedContent: 'fake-encrypted-rs_fake_1_0' };
  const checking = { id: 'rs_fake_2_0', summary: ['**Checking result**\n\nThe tool output arrived.'], text: '', encryptedContent: 'fake-encrypted-rs_fake_2_0' };
  const finalText = [{ text: 'Done. The command ran and the file was written.', refusal: false }];

  it('sse-full-exec_command: reasoning + exec_command call, then reasoning + final message', async () => {
    const [turn1, turn2] = readCodexSseTurns('sse-full-exec_command.txt');
    const first = summarize(await parse(turn1));
    expect(first.start).toEqual({ id: 'resp_fake_1_1795498524387', model: 'fake-model' });
    expect(first.reasoning).toEqual([planning]);
    expect(first.toolCalls).toEqual([
      { kind: 'function', callId: 'call_fake_0001', name: 'exec_command', id: 'fc_fake_1_1', input: '{"cmd":"echo hello > out.txt"}', deltas: 3 },
    ]);
    expect(first.usage).toEqual(usage(100, 0, 20, 0));
    expect(first.finish).toBe('tool_calls');

    const second = summarize(await parse(turn2));
    expect(second.reasoning).toEqual([checking]);
    expect(second.texts).toEqual(finalText);
    expect(second.usage).toEqual(usage(100, 0, 20, 0));
    expect(second.finish).toBe('stop');
  });

  it('sse-full-apply_patch: the freeform apply_patch call', async () => {
    const [turn1, turn2] = readCodexSseTurns('sse-full-apply_patch.txt');
    const first = summarize(await parse(turn1));
    expect(first.reasoning).toEqual([planning]);
    expect(first.toolCalls).toEqual([
      {
        kind: 'custom',
        callId: 'call_fake_0001',
        name: 'apply_patch',
        id: 'ctc_fake_1_1',
        input: '*** Begin Patch\n*** Add File: patched.txt\n+patched by apply_patch\n*** End Patch\n',
        deltas: 3,
      },
    ]);
    expect(first.finish).toBe('tool_calls');
    const second = summarize(await parse(turn2));
    expect(second.texts).toEqual(finalText);
    expect(second.finish).toBe('stop');
  });

  it.each(['exec_command', 'apply_patch'])(
    'sse-minimal-%s (only output_item.done + completed) yields what the full stream does',
    async (tool) => {
      const full = readCodexSseTurns(`sse-full-${tool}.txt`);
      const minimal = readCodexSseTurns(`sse-minimal-${tool}.txt`);
      for (let turn = 0; turn < 2; turn++) {
        const a = summarize(await parse(full[turn]));
        const b = summarize(await parse(minimal[turn]));
        // No response.created: a bare start; each call's input arrives as one delta.
        expect(b.start).toEqual({});
        expect({ ...b, start: undefined, toolCalls: b.toolCalls.map((c) => ({ ...c, deltas: 0 })) }).toEqual({
          ...a,
          start: undefined,
          toolCalls: a.toolCalls.map((c) => ({ ...c, deltas: 0 })),
        });
        expect(b.toolCalls.every((c) => c.deltas === 1)).toBe(true);
      }
    },
  );
});

// Synthetic streams, one per event type the recordings lack.
const created = { type: 'response.created', response: { id: 'resp_1', model: 'gpt-x', output: [] } };
const completed = (usageObj: unknown = null, output: unknown[] = []) => ({
  type: 'response.completed',
  response: { id: 'resp_1', status: 'completed', output, usage: usageObj },
});
const fnItem = (extra: Record<string, unknown> = {}) => ({
  type: 'function_call',
  id: 'fc_1',
  call_id: 'call_1',
  name: 'spawn_agent',
  arguments: '',
  ...extra,
});

describe('parseResponsesStream: one event type at a time', () => {
  it('a function call with no argument deltas gets the done arguments as one delta', async () => {
    const s = summarize(
      await parse([
        created,
        { type: 'response.output_item.added', output_index: 0, item: fnItem() },
        { type: 'response.output_item.done', output_index: 0, item: fnItem({ arguments: '{"a":1}' }) },
        completed(),
      ]),
    );
    expect(s.toolCalls).toEqual([{ kind: 'function', callId: 'call_1', name: 'spawn_agent', id: 'fc_1', input: '{"a":1}', deltas: 1 }]);
    expect(s.finish).toBe('tool_calls');
  });

  it('function_call_arguments.done without deltas also completes the arguments', async () => {
    const events = await parse([
      created,
      { type: 'response.output_item.added', output_index: 0, item: fnItem() },
      { type: 'response.function_call_arguments.done', output_index: 0, arguments: '{}' },
      { type: 'response.output_item.done', output_index: 0, item: fnItem({ arguments: '{}' }) },
      completed(),
    ]);
    expect(events.filter((e) => e.type === 'tool_call_delta')).toEqual([{ type: 'tool_call_delta', key: 'item0', delta: '{}' }]);
  });

  it('a namespaced function call keeps its namespace', async () => {
    const s = summarize(
      await parse([
        created,
        { type: 'response.output_item.added', output_index: 0, item: fnItem({ namespace: 'multi_agent_v1' }) },
        { type: 'response.function_call_arguments.delta', output_index: 0, delta: '{}' },
        { type: 'response.output_item.done', output_index: 0, item: fnItem({ namespace: 'multi_agent_v1', arguments: '{}' }) },
        completed(),
      ]),
    );
    expect(s.toolCalls[0]).toMatchObject({ name: 'spawn_agent', namespace: 'multi_agent_v1', input: '{}' });
  });

  it('refusal parts become refusal_start / refusal_delta / refusal_end', async () => {
    const events = await parse([
      created,
      { type: 'response.output_item.added', output_index: 0, item: { type: 'message', id: 'msg_1', role: 'assistant', content: [] } },
      { type: 'response.content_part.added', output_index: 0, content_index: 0, part: { type: 'refusal', refusal: '' } },
      { type: 'response.refusal.delta', output_index: 0, content_index: 0, delta: "I can't " },
      { type: 'response.refusal.done', output_index: 0, content_index: 0, refusal: "I can't help with that." },
      { type: 'response.content_part.done', output_index: 0, content_index: 0, part: { type: 'refusal', refusal: "I can't help with that." } },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: { type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'refusal', refusal: "I can't help with that." }] },
      },
      completed(),
    ]);
    expect(events.slice(1, 5)).toEqual([
      { type: 'refusal_start', key: 'item0.0' },
      { type: 'refusal_delta', key: 'item0.0', delta: "I can't " },
      { type: 'refusal_delta', key: 'item0.0', delta: 'help with that.' },
      { type: 'refusal_end', key: 'item0.0' },
    ]);
    expect(summarize(events).texts).toEqual([{ text: "I can't help with that.", refusal: true }]);
  });

  it('raw reasoning text (reasoning_text.delta) is kind text; several summary parts keep their index', async () => {
    const events = await parse([
      created,
      { type: 'response.output_item.added', output_index: 0, item: { type: 'reasoning', id: 'rs_1', summary: [] } },
      { type: 'response.reasoning_summary_text.delta', output_index: 0, summary_index: 0, delta: 'First.' },
      { type: 'response.reasoning_summary_text.delta', output_index: 0, summary_index: 1, delta: 'Second.' },
      { type: 'response.reasoning_text.delta', output_index: 0, content_index: 0, delta: 'thinking…' },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: {
          type: 'reasoning',
          id: 'rs_1',
          summary: [
            { type: 'summary_text', text: 'First.' },
            { type: 'summary_text', text: 'Second.' },
          ],
          content: [{ type: 'reasoning_text', text: 'thinking… done' }],
          encrypted_content: 'enc',
        },
      },
      completed(),
    ]);
    expect(events.filter((e) => e.type === 'reasoning_delta')).toEqual([
      { type: 'reasoning_delta', key: 'item0', delta: 'First.', kind: 'summary', summaryIndex: 0 },
      { type: 'reasoning_delta', key: 'item0', delta: 'Second.', kind: 'summary', summaryIndex: 1 },
      { type: 'reasoning_delta', key: 'item0', delta: 'thinking…', kind: 'text' },
      { type: 'reasoning_delta', key: 'item0', delta: ' done', kind: 'text' },
    ]);
    expect(summarize(events).reasoning).toEqual([{ id: 'rs_1', summary: ['First.', 'Second.'], text: 'thinking… done', encryptedContent: 'enc' }]);
  });

  it('a .done text that disagrees with the deltas adds nothing (what was sent stays sent)', async () => {
    const s = summarize(
      await parse([
        created,
        { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'Hello' },
        { type: 'response.output_text.done', output_index: 0, content_index: 0, text: 'Goodbye' },
        completed(),
      ]),
    );
    expect(s.texts).toEqual([{ text: 'Hello', refusal: false }]);
  });

  it.each([
    ['max_output_tokens', 'length'],
    ['content_filter', 'content_filter'],
  ] as const)('response.incomplete (%s) → finish %s, with usage', async (reason, finish) => {
    const events = await parse([
      created,
      { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'Partial' },
      {
        type: 'response.incomplete',
        response: {
          id: 'resp_1',
          status: 'incomplete',
          incomplete_details: { reason },
          output: [],
          usage: { input_tokens: 10, output_tokens: 16, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 4 } },
        },
      },
    ]);
    const s = summarize(events);
    expect(s.texts).toEqual([{ text: 'Partial', refusal: false }]);
    expect(s.usage).toEqual(usage(10, 0, 16, 4));
    expect(events.at(-1)).toEqual({ type: 'finish', reason: finish, raw: reason });
  });

  it.each([
    ['rate_limit_exceeded', 429],
    ['context_length_exceeded', 400],
    ['invalid_prompt', 400],
    ['server_error', 500],
    ['server_is_overloaded', 503],
  ])('response.failed with %s → one error, status %i', async (code, status) => {
    const events = await parse([
      created,
      { type: 'response.failed', response: { id: 'resp_1', status: 'failed', error: { code, message: `boom: ${code}` }, output: [] } },
    ]);
    expect(events).toEqual([
      { type: 'start', id: 'resp_1', model: 'gpt-x' },
      {
        type: 'error',
        error: { status, type: status === 429 ? 'rate_limit_error' : status === 400 ? 'invalid_request_error' : 'server_error', code, message: `boom: ${code}`, param: null },
      },
    ]);
  });

  it('an error event with code/message on the event itself (as the API reference shows)', async () => {
    const events = await parse([{ type: 'error', code: 'rate_limit_exceeded', message: 'Slow down', param: null, sequence_number: 0 }]);
    expect(events).toEqual([
      { type: 'error', error: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Slow down', param: null } },
    ]);
  });

  it('a stream that ends without a terminal event is upstream_stream_truncated (502)', async () => {
    const events = await parse([
      created,
      { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'Hel' },
    ]);
    expect(events.at(-1)).toEqual({
      type: 'error',
      error: {
        status: 502,
        type: 'server_error',
        code: 'upstream_stream_truncated',
        message: 'The upstream stream ended before response.completed.',
        param: null,
      },
    });
  });

  it('items still open at response.completed are closed from response.output', async () => {
    const s = summarize(
      await parse([
        created,
        { type: 'response.output_item.added', output_index: 0, item: fnItem() },
        { type: 'response.function_call_arguments.delta', output_index: 0, delta: '{"a"' },
        completed(null, [fnItem({ arguments: '{"a":2}' })]),
      ]),
    );
    expect(s.toolCalls[0]).toMatchObject({ input: '{"a":2}', deltas: 2 });
    expect(s.usage).toBeUndefined();
    expect(s.finish).toBe('tool_calls');
  });

  it('stops reading the upstream after the terminal event', async () => {
    let pulled = 0;
    async function* upstream() {
      for (const e of [created, completed(), created, completed()]) {
        pulled += 1;
        yield e;
      }
    }
    const out: Event[] = [];
    for await (const e of parseResponsesStream(upstream())) out.push(e);
    expect(pulled).toBe(2);
    expect(out.map((e) => e.type)).toEqual(['start', 'finish']);
  });
});
