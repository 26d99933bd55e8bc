// What the HTTP layer checks about a request body before a dialect decoder reads it:
// its media type, how deeply it nests, and how body-parser's own failures become
// 4xx errors in OpenAI's shape (never a 500).
import type { NextFunction, Request, Response } from 'express';
import { GatewayError } from './errors.js';

// The media types the JSON parser reads (app.ts passes the same list to express.json).
export const JSON_TYPES = ['application/json', 'application/*+json'];

// Deeper than this is refused: real requests (Codex's tool schemas included) stay far
// below it, while a body nested thousands deep would overflow the stack of every
// recursive walk after decoding (JSON.stringify towards the upstream, the echo of
// `tools`/`text` in a Response) and turn into a 500.
export const MAX_JSON_DEPTH = 128;

// POST bodies of the model endpoints must be JSON: a body of another type (or of none
// declared) is a 415 naming what was sent, instead of an empty body's vaguer 400.
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (req.method !== 'POST' || !hasBody(req) || req.is(JSON_TYPES)) return next();
  const sent = req.headers['content-type'];
  next(
    new GatewayError(
      415,
      'unsupported_media_type',
      sent
        ? `Unsupported Content-Type '${String(sent).slice(0, 100)}': send the request body as JSON with 'Content-Type: application/json'.`
        : "The request has a body but no Content-Type: send it as JSON with 'Content-Type: application/json'.",
      { type: 'invalid_request_error' },
    ),
  );
}

// Refuses a parsed body nested deeper than MAX_JSON_DEPTH, naming where (the first
// three steps of the path, e.g. `tools[0].parameters`).
export function limitJsonDepth(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return next();
  const stack: { value: unknown; depth: number; path: string; steps: number }[] = [{ value: body, depth: 1, path: '', steps: 0 }];
  while (stack.length > 0) {
    const { value, depth, path, steps } = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) {
      return next(
        new GatewayError(400, 'invalid_value', `Invalid '${path || 'body'}': the JSON is nested more than ${MAX_JSON_DEPTH} levels deep.`, {
          param: path || null,
        }),
      );
    }
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [`[${i}]`, v])
      : Object.entries(value as Record<string, unknown>).map(([k, v]) => [path === '' ? k : `.${k}`, v]);
    for (const [step, child] of entries) {
      if (typeof child !== 'object' || child === null) continue;
      const more = steps < 3;
      stack.push({ value: child, depth: depth + 1, path: more ? path + step : path, steps: more ? steps + 1 : steps });
    }
  }
  next();
}

// body-parser's errors (http-errors with a `type` and a 4xx `status`) in OpenAI's shape.
// Undefined for anything else (a real 500).
export function bodyParserError(err: unknown): GatewayError | undefined {
  const e = err as { type?: unknown; status?: unknown; message?: unknown; expose?: unknown } | null;
  if (typeof e !== 'object' || e === null) return undefined;
  const type = typeof e.type === 'string' ? e.type : undefined;
  const message = typeof e.message === 'string' ? e.message : 'unreadable body';
  if (type === 'entity.parse.failed') return new GatewayError(400, 'invalid_json', `The request body is not valid JSON: ${message}`);
  if (type === 'entity.too.large') {
    return new GatewayError(413, 'request_too_large', 'The request body is larger than the gateway accepts (server.body_limit).');
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new GatewayError(415, 'unsupported_encoding', message);
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status === undefined || status < 400 || status > 499 || e.expose !== true) return undefined;
  // Content-Length not matching the body, a client that went away, a compressed body
  // that does not inflate (zlib's message): the body could not be read.
  const code = type === 'request.size.invalid' ? 'invalid_content_length' : type === 'request.aborted' ? 'request_aborted' : 'invalid_request_body';
  return new GatewayError(status, code, `The request body could not be read: ${message}`);
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}
