// Exploration through the real gateway: an explored session's turns are served by the
// rule's explore_to (just outside the threshold, by the rule's own route), tagged on the
// `gateway.route` span and in the turn's decision, and a session never switches upstream.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { parseResponsesSse } from '../support/sse-text.js';
import { waitForRoots } from '../support/span-tree.js';
import { sessionDraw } from '../../src/routing/exploration.js';

let cheap: FakeChatUpstream;
let strong: FakeChatUpstream;
let gw: TestGateway;
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

const SHARE = 0.5;

beforeAll(async () => {
  cheap = await startFakeChatUpstream({ script: () => ({ stream: chatTextChunks('from cheap') }) });
  strong = await startFakeChatUpstream({ script: () => ({ stream: chatTextChunks('from strong') }) });
  const route = (alias: string, url: string) => `  - alias: ${alias}\n    provider: openai_compatible\n    model: fake-model\n    base_url: "${url}"\n`;
  gw = await startTestGateway(
    `routes:\n${route('cheap', cheap.url)}${route('strong', strong.url)}` +
      `routing_policy:\n  default: strong\n  rules:\n    - if: "input_tokens < 8000"\n      route_to: cheap\n      explore: ${SHARE}\n      explore_to: strong\n`,
    { tracerProvider: provider },
  );
});

afterAll(async () => {
  await gw?.close();
  await cheap?.close();
  await strong?.close();
  await provider.shutdown();
});

beforeEach(() => exporter.reset());

// Sessions whose draw for rule 0 explores, and sessions whose draw does not.
function sessionsWhere(explored: boolean, count: number): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const s = randomUUID();
    if (sessionDraw(s, 0) < SHARE === explored) out.push(s);
  }
  return out;
}

// One streamed turn of a session; its text, the route span's attributes and its summary.
async function turn(session: string, input: string) {
  exporter.reset();
  const turnsBefore = gw.turns.length;
  const res = await fetch(`${gw.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'session-id': session },
    body: JSON.stringify({ model: 'auto', stream: true, input }),
  });
  expect(res.status).toBe(200);
  const events = parseResponsesSse(await res.text());
  expect(events.at(-1)!.type).toBe('response.completed');
  const spans = await waitForRoots(exporter, 1);
  const routeSpan = spans.find((s) => s.name === 'gateway.route')!;
  expect(gw.turns.length).toBe(turnsBefore + 1);
  const text = (events.find((e) => e.type === 'response.output_text.done') as { text?: string } | undefined)?.text;
  return { text, route: routeSpan.attributes, summary: gw.turns.at(-1)! };
}

describe('exploration through the gateway', () => {
  it("explored sessions are served by explore_to, tagged on the route span and in the turn's decision", async () => {
    for (const session of sessionsWhere(true, 3)) {
      for (let i = 0; i < 3; i++) {
        const strongBefore = strong.requests.length;
        const cheapBefore = cheap.requests.length;
        const { text, route, summary } = await turn(session, `Turn ${i}: rename this variable.`);
        expect(text).toBe('from strong');
        expect(strong.requests.length).toBe(strongBefore + 1);
        expect(cheap.requests.length).toBe(cheapBefore);
        expect(route['gateway.route.exploration']).toBe('strong');
        expect(route['gateway.route.by']).toBe('rule');
        expect(route['gateway.route.alias']).toBe('strong');
        expect(summary.alias).toBe('strong');
        expect(summary.decision).toMatchObject({ by: 'rule', rule: { index: 0, expression: 'input_tokens < 8000' }, exploration: 'strong' });
      }
    }
  });

  it('other sessions follow the rule, untagged', async () => {
    for (const session of sessionsWhere(false, 3)) {
      for (let i = 0; i < 3; i++) {
        const { text, route, summary } = await turn(session, `Turn ${i}: rename this variable.`);
        expect(text).toBe('from cheap');
        expect(route['gateway.route.exploration']).toBeUndefined();
        expect(summary.alias).toBe('cheap');
        expect(summary.decision?.exploration).toBeUndefined();
      }
    }
  });

  it("just above the threshold, an explored session's turn goes to the rule's own route", async () => {
    // ~9,000 tokens: inside the default band (8000 ≤ tokens < 10000).
    const big = `Review this: ${' word'.repeat(8900)}`;
    const [explored] = sessionsWhere(true, 1);
    const a = await turn(explored, big);
    expect(a.summary.decision!.estimate.tokens).toBeGreaterThanOrEqual(8000);
    expect(a.summary.decision!.estimate.tokens).toBeLessThan(10_000);
    expect(a.text).toBe('from cheap');
    expect(a.route['gateway.route.exploration']).toBe('cheap');
    expect(a.summary.decision).toMatchObject({ by: 'rule', rule: { index: 0 }, exploration: 'cheap' });

    const [plain] = sessionsWhere(false, 1);
    const b = await turn(plain, big);
    expect(b.text).toBe('from strong');
    expect(b.summary.decision).toMatchObject({ by: 'default' });
    expect(b.route['gateway.route.exploration']).toBeUndefined();
  });

  it("one session's turns all hit one upstream, across many sessions", async () => {
    const byUpstream = new Map<string, Set<string>>();
    const sessions = Array.from({ length: 12 }, () => randomUUID());
    for (let round = 0; round < 3; round++) {
      for (const s of sessions) {
        const { text } = await turn(s, `Round ${round}: ${'small change '.repeat(1 + round * 5)}`);
        byUpstream.set(s, (byUpstream.get(s) ?? new Set()).add(text!));
      }
    }
    for (const [s, served] of byUpstream) {
      expect(served.size, s).toBe(1);
      expect([...served][0]).toBe(sessionDraw(s, 0) < SHARE ? 'from strong' : 'from cheap');
    }
  });
});
