// Shared by the property-based "bad input" tests (test/integration/fuzz-*.test.ts):
// a real gateway in front of a fake upstream that always answers, a keep-alive HTTP
// client with a hard deadline per request, and the checks every answer must pass.
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { expect } from 'vitest';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream } from './fake-chat-upstream.js';
import { startTestGateway, compatRoute, type TestGateway } from './gateway.js';

// Every answer (a whole streamed one included) must arrive within this.
export const DEADLINE_MS = 10_000;

export interface FuzzRig {
  gw: TestGateway;
  upstream: FakeChatUpstream;
  agent: Agent;
  close(): Promise<void>;
}

// The route is `m`; it is also the routing default, so a body without `model` reaches it.
export async function startFuzzRig(extraConfig = ''): Promise<FuzzRig> {
  const upstream = await startFakeChatUpstream({ script: () => ({ stream: chatTextChunks('ok') }), unknownFields: 'ignore' });
  const gw = await startTestGateway(`routes:\n${compatRoute('m', upstream.url)}routing_policy:\n  default: m\n${extraConfig}`);
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 4, headersTimeout: DEADLINE_MS, bodyTimeout: DEADLINE_MS });
  return {
    gw,
    upstream,
    agent,
    async close() {
      await agent.close();
      await gw.close();
      await upstream.close();
    },
  };
}

export interface Sent {
  body: string | Uint8Array;
  headers?: Record<string, string>;
  // Set when the body holds one deliberate fault in a field: the `param` the 400 must name.
  param?: string;
  // `param` is a prefix (e.g. `metadata` for `metadata.<key>`).
  paramPrefix?: boolean;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  ms: number;
}

export async function send(rig: FuzzRig, path: string, sent: Sent): Promise<Answer> {
  const started = performance.now();
  const headers = sent.headers ?? { 'content-type': 'application/json' };
  const res = await request(`${rig.gw.url}${path}`, {
    method: 'POST',
    headers,
    body: sent.body,
    dispatcher: rig.agent,
    signal: AbortSignal.timeout(DEADLINE_MS),
  });
  const text = await res.body.text();
  return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text, ms: performance.now() - started };
}

// The property: no 5xx, and every 4xx in OpenAI's shape, naming the field it was given.
export function checkAnswer(sent: Sent, answer: Answer): void {
  const context = () => `status ${answer.status}, body ${answer.text.slice(0, 500)}, sent ${describeSent(sent)}`;
  expect(answer.status, context()).toBeLessThan(500);
  expect(answer.ms, context()).toBeLessThan(DEADLINE_MS);
  if (answer.status >= 400) {
    expect(answer.contentType, context()).toMatch(/^application\/json/);
    const body = JSON.parse(answer.text);
    expectOpenAiError(body, context);
  }
  if (sent.param !== undefined) {
    expect(answer.status, context()).toBe(400);
    const param = JSON.parse(answer.text).error.param;
    expect(typeof param === 'string' && param.length > 0, context()).toBe(true);
    if (sent.paramPrefix) expect(param.startsWith(sent.param), context()).toBe(true);
    else expect(param, context()).toBe(sent.param);
  }
}

export function expectOpenAiError(body: any, context: () => string = () => ''): void {
  expect(Object.keys(body), context()).toEqual(['error']);
  const e = body.error;
  expect(Object.keys(e).sort(), context()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof e.message === 'string' && e.message.length > 0, context()).toBe(true);
  expect(typeof e.type === 'string' && e.type.length > 0, context()).toBe(true);
  expect(e.code === null || typeof e.code === 'string', context()).toBe(true);
  expect(e.param === null || typeof e.param === 'string', context()).toBe(true);
}

function describeSent(sent: Sent): string {
  const body = typeof sent.body === 'string' ? sent.body : `<${sent.body.length} bytes> ${Buffer.from(sent.body).toString('latin1')}`;
  return `${JSON.stringify(sent.headers ?? {})} ${body.length > 400 ? `${body.slice(0, 400)}… (${body.length} chars)` : body}`;
}

// ---------------------------------------------------------------------------
// Generators both endpoints use

export type JsonKind = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';

const small = fc.jsonValue({ maxDepth: 2 }).filter((v) => v !== null);
const smallArray = fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 });
const smallObject = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
const notFinite = fc.constantFrom('1e400', '-1e400'); // JSON numbers that parse to ±Infinity

// A JSON value (as a JS value) that is not of the given kind and not null.
export function wrongKind(kind: JsonKind): fc.Arbitrary<unknown> {
  const all: Record<'string' | 'number' | 'boolean' | 'object' | 'array', fc.Arbitrary<unknown>> = {
    string: fc.string({ maxLength: 20 }),
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    boolean: fc.boolean(),
    object: smallObject,
    array: smallArray,
  };
  const base = kind === 'integer' ? 'number' : kind;
  const others = Object.entries(all)
    .filter(([k]) => k !== base)
    .map(([, a]) => a);
  const out = fc.oneof(...others);
  return kind === 'integer' ? fc.oneof(out, fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d))) : out;
}

// A number outside [min, max] (either bound optional).
export function outOfRange(min?: number, max?: number): fc.Arbitrary<number> {
  const parts: fc.Arbitrary<number>[] = [];
  if (min !== undefined) parts.push(fc.double({ max: min, maxExcluded: true, noNaN: true, noDefaultInfinity: true, min: -1e300 }));
  if (max !== undefined) parts.push(fc.double({ min: max, minExcluded: true, noNaN: true, noDefaultInfinity: true, max: 1e300 }));
  return fc.oneof(...parts);
}

// Names that are not in `known`, among them the ones that hit Object.prototype.
export function unknownName(known: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 24 }) },
      { weight: 1, arbitrary: fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'then', 'length', ' ', 'MESSAGE', 'user ', 'Function') },
    )
    .filter((s) => !known.includes(s));
}

// Extra headers, usually none: odd Content-Types, encodings that do not match the
// body, Codex's turn metadata with any JSON, long and odd header values.
const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,200}$/);
export const headerVariants: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ 'content-type': 'application/json' }) },
  {
    weight: 4,
    arbitrary: fc.record({
      'content-type': fc.constantFrom(
        'application/json; charset=utf-8',
        'application/json; charset=UTF-8',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'application/json; charset=bogus',
        'application/vnd.openai+json',
        'Application/JSON',
        'text/plain',
        'text/json',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        '*/*',
        'application/json;;;',
        'json',
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      'content-type': fc.constant('application/json'),
      'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'bogus', 'gzip, gzip'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        'content-type': fc.constant('application/json'),
        'x-codex-turn-metadata': fc.oneof(fc.json({ maxDepth: 3 }), headerValue, fc.constant('{"workspaces":{"/a":{"associated_remote_urls":[1,{"x":2}]}},"session_id":7}')),
        'session-id': headerValue,
        accept: fc.constantFrom('text/event-stream', '*/*', 'application/xml', 'garbage'),
        'openai-beta': headerValue,
        'x-openai-subagent': headerValue,
        authorization: headerValue,
      },
      { requiredKeys: ['content-type'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .dictionary(token.filter((k) => !['content-type', 'content-length', 'transfer-encoding', 'host', 'connection', 'content-encoding', 'expect', 'upgrade', 'keep-alive'].includes(k)), headerValue, { maxKeys: 5 })
      .map((h) => ({ ...h, 'content-type': 'application/json' })),
  },
);

// JSON text with a few raw invalid UTF-8 sequences spliced into its first string.
export function withInvalidUtf8(json: string, bytes: readonly (readonly number[])[]): Uint8Array {
  const at = json.indexOf('"') + 1;
  const head = Buffer.from(json.slice(0, at), 'utf8');
  const tail = Buffer.from(json.slice(at), 'utf8');
  return Buffer.concat([head, ...bytes.map((b) => Buffer.from(b)), tail]);
}

export const invalidUtf8Sequences: fc.Arbitrary<(readonly number[])[]> = fc.array(
  fc.oneof(
    fc.constantFrom([0xff], [0xfe], [0xc3, 0x28], [0xe2, 0x28, 0xa1], [0xed, 0xa0, 0x80], [0xf0, 0x28, 0x8c, 0x28], [0xc0, 0xaf], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]),
    fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 4 }),
  ),
  { minLength: 1, maxLength: 4 },
);

// `value` wrapped `depth` times in arrays or objects.
export function nest(depth: number, asArray: boolean, value: unknown = 1): unknown {
  let v = value;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

// JSON text for a value (keeps `1e400` style literals given as tagged strings).
export function toJson(value: unknown): string {
  return JSON.stringify(value).replace(/"@@raw:([^"]*)"/g, '$1');
}

// A number literal that JSON.parse turns into ±Infinity, as a placeholder toJson unwraps.
export const infiniteLiteral = notFinite.map((s) => `@@raw:${s}`);

export { small, smallArray, smallObject };
