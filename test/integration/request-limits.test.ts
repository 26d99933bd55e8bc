// What the gateway answers to requests it cannot read: a body over server.body_limit
// (413), headers over server.max_header_bytes or Node's default (431), a body that is not
// JSON (400), a body of another media type or charset (415). All in OpenAI's error shape
// {error:{message,type,code,param}}, the 431 too (written by the server's clientError
// handler, since Node's HTTP parser refuses those headers before the app sees them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { expectOpenAiError, startFuzzRig, type FuzzRig } from '../support/fuzz-http.js';

let limited: FuzzRig; // body_limit 2kb, max_header_bytes 4096
let defaults: FuzzRig; // no server settings
beforeAll(async () => {
  [limited, defaults] = await Promise.all([startFuzzRig('server:\n  body_limit: 2kb\n  max_header_bytes: 4096\n'), startFuzzRig()]);
});
afterAll(async () => {
  await limited?.close();
  await defaults?.close();
});

const ENDPOINTS = [
  { path: '/v1/responses', ok: (pad = '') => JSON.stringify({ model: 'm', input: `hi${pad}` }) },
  { path: '/v1/chat/completions', ok: (pad = '') => JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `hi${pad}` }] }) },
];

async function post(rig: FuzzRig, path: string, body: string | Buffer | undefined, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await request(`${rig.gw.url}${path}`, { method: 'POST', headers, body, dispatcher: rig.agent, signal: AbortSignal.timeout(10_000) });
  const text = await res.body.text();
  return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text, json: () => JSON.parse(text) };
}

// Writes a raw HTTP/1.1 request and returns the status line and the rest as text.
function rawRequest(url: string, head: string, body = ''): Promise<{ statusLine: string; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(head + body));
    let text = '';
    socket.setEncoding('latin1');
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (d) => (text += d));
    socket.on('error', (err) => (text ? resolve({ statusLine: text.split('\r\n')[0], text }) : reject(err)));
    socket.on('close', () => resolve({ statusLine: text.split('\r\n')[0], text }));
  });
}

describe.each(ENDPOINTS)('$path', ({ path, ok }) => {
  it('answers a body within server.body_limit', async () => {
    expect((await post(limited, path, ok('x'.repeat(1000)))).status).toBe(200);
  });

  it('answers a body over server.body_limit with 413 in OpenAI shape', async () => {
    const res = await post(limited, path, ok('x'.repeat(3000)));
    expect(res.status).toBe(413);
    expect(res.contentType).toMatch(/^application\/json/);
    expectOpenAiError(res.json());
    expect(res.json().error).toMatchObject({ code: 'request_too_large', type: 'invalid_request_error', param: null });
    expect(res.json().error.message).toContain('server.body_limit');
  });

  it('answers a gzip body that inflates past server.body_limit with 413', async () => {
    const res = await post(limited, path, gzipSync(ok('x'.repeat(50_000))), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expectOpenAiError(res.json());
  });

  it('reads a gzip body within the limit', async () => {
    const res = await post(limited, path, gzipSync(ok()), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
  });

  it('answers a chunked body (no Content-Length) over the limit with 413', async () => {
    const big = ok('x'.repeat(5000));
    const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
    const { statusLine, text } = await rawRequest(limited.gw.url, head, `${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`);
    expect(statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    expectOpenAiError(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)));
  });

  it('answers invalid JSON with 400 invalid_json in OpenAI shape', async () => {
    for (const body of ['{', '{"model":"m",}', 'not json', '{"model":"m"}{}', '\u00ff']) {
      const res = await post(defaults, path, body);
      expect(res.status, body).toBe(400);
      expectOpenAiError(res.json());
      expect(res.json().error).toMatchObject({ code: 'invalid_json', type: 'invalid_request_error', param: null });
    }
  });

  it('answers a non-JSON Content-Type with 415 in OpenAI shape', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      const res = await post(defaults, path, ok(), { 'content-type': type });
      expect(res.status, type).toBe(415);
      expectOpenAiError(res.json());
      expect(res.json().error.code).toBe('unsupported_media_type');
      expect(res.json().error.message).toContain(type);
    }
  });

  it('answers a body without a Content-Type with 415, and no body at all with 400', async () => {
    const untyped = await rawRequest(defaults.gw.url, `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${ok().length}\r\nConnection: close\r\n\r\n`, ok());
    expect(untyped.statusLine).toBe('HTTP/1.1 415 Unsupported Media Type');
    expectOpenAiError(JSON.parse(untyped.text.slice(untyped.text.indexOf('\r\n\r\n') + 4)));
    const empty = await post(defaults, path, undefined, {});
    expect(empty.status).toBe(400);
    expectOpenAiError(empty.json());
  });

  it('answers a JSON body in a charset it cannot read with 415 in OpenAI shape', async () => {
    const res = await post(defaults, path, ok(), { 'content-type': 'application/json; charset=latin1' });
    expect(res.status).toBe(415);
    expectOpenAiError(res.json());
    expect(res.json().error.code).toBe('unsupported_encoding');
  });

  it('answers a Content-Encoding that does not match the body with 400 (not 500)', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await post(defaults, path, ok(), { 'content-type': 'application/json', 'content-encoding': encoding });
      expect(res.status, encoding).toBe(400);
      expectOpenAiError(res.json());
      expect(res.json().error.code).toBe('invalid_request_body');
    }
    const unknown = await post(defaults, path, ok(), { 'content-type': 'application/json', 'content-encoding': 'compress' });
    expect(unknown.status).toBe(415);
    expectOpenAiError(unknown.json());
  });

  it('answers headers over server.max_header_bytes with 431 and keeps serving', async () => {
    const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Big: ${'a'.repeat(6000)}\r\nContent-Length: ${ok().length}\r\nConnection: close\r\n\r\n`;
    const { statusLine, text } = await rawRequest(limited.gw.url, head, ok());
    expect(statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expectOpenAiError(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)));
    // Headers under the configured limit still pass.
    expect((await post(limited, path, ok(), { 'content-type': 'application/json', 'x-big': 'a'.repeat(2000) })).status).toBe(200);
  });

  it("answers headers over Node's default limit (16 KB) with 431 and keeps serving", async () => {
    const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: ${ok().length}\r\nConnection: close\r\n\r\n`;
    const { statusLine } = await rawRequest(defaults.gw.url, head, ok());
    expect(statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    // Many headers adding up past the limit too.
    const many = Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'b'.repeat(50)}\r\n`).join('');
    const second = await rawRequest(defaults.gw.url, `POST ${path} HTTP/1.1\r\nHost: x\r\n${many}Connection: close\r\n\r\n`);
    expect(second.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect((await post(defaults, path, ok(), { 'content-type': 'application/json', 'x-big': 'a'.repeat(10_000) })).status).toBe(200);
  });
});
