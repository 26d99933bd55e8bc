// A loopback fake of Google's Gemini endpoints, for tests that put the gateway in front of it:
//
// - Gemini API: `POST /v1beta/models/{model}:streamGenerateContent?alt=sse`, key in
//   `x-goog-api-key` (or `?key=`);
// - Vertex AI: `POST /v1/projects/{p}/locations/{l}/publishers/google/models/{model}:streamGenerateContent?alt=sse`
//   with `Authorization: Bearer <token>`, the token issued by this fake's own OAuth token
//   endpoint (`POST /token`, the JWT-bearer grant a service account uses), which checks
//   that the assertion is signed by the test service account's key;
// - streams as Google does: `data: <json>\r\n\r\n` frames, one write each, no end sentinel
//   (without `alt=sse`, a JSON array, as the real API answers);
// - REFUSES, with Google's error shape (`{error: {code, message, status}}`), what the real API
//   refuses (see `validateGeminiRequest`), so a test passes only if the gateway's request is
//   one Google would accept.
import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------
// Replies

export type GeminiReply =
  /** `GenerateContentResponse` chunks, streamed as SSE frames (CRLF framing unless `crlf: false`). */
  | { chunks: object[]; delayMs?: number; crlf?: boolean; headers?: Record<string, string>; /** destroy the socket after this many chunks */ abortAfter?: number }
  /** A JSON body, 200 unless `status` says otherwise (e.g. a 429 with RetryInfo). */
  | { json: object; status?: number; headers?: Record<string, string> }
  /** Raw body pieces written as they are. */
  | { raw: string[]; status?: number; headers?: Record<string, string> };

export interface GeminiScriptRequest {
  api: 'gemini' | 'vertex';
  model: string;
  project?: string;
  location?: string;
  body: any;
  headers: IncomingHttpHeaders;
  /** 0-based position among generate requests (rejected ones included). */
  index: number;
}

export interface GoogleError {
  code: number;
  message: string;
  status: string;
}

export interface RecordedGeminiRequest extends GeminiScriptRequest {
  url: string;
  /** Set when the fake refused the request itself (validation or auth). */
  rejection?: GoogleError;
}

export interface TokenRequest {
  claims?: Record<string, unknown>;
  issued?: string;
  rejection?: string;
}

export interface FakeServiceAccount {
  clientEmail: string;
  /** The public half of the service account's key: assertions must verify with it. */
  publicKey: KeyObject | string;
  /** `expires_in` of issued tokens (default 3600). */
  tokenTtlSeconds?: number;
}

export interface FakeGeminiUpstreamOptions {
  script: (req: GeminiScriptRequest) => GeminiReply | Promise<GeminiReply>;
  /** Gemini API requests must carry this key (403/400 otherwise, as Google answers). */
  apiKey?: string;
  /** Enables `POST /token`; Vertex requests then need a token it issued. */
  serviceAccount?: FakeServiceAccount;
}

export interface FakeGeminiUpstream {
  /** `http://127.0.0.1:PORT` (a route's base_url). */
  url: string;
  /** `http://127.0.0.1:PORT/token` (a service account's token_uri). */
  tokenUri: string;
  requests: RecordedGeminiRequest[];
  tokenRequests: TokenRequest[];
  otherRequests: { method: string; url: string }[];
  close(): Promise<void>;
}

const GENERATE = /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/;
const VERTEX_GENERATE = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):streamGenerateContent$/;

export async function startFakeGeminiUpstream(opts: FakeGeminiUpstreamOptions): Promise<FakeGeminiUpstream> {
  const requests: RecordedGeminiRequest[] = [];
  const tokenRequests: TokenRequest[] = [];
  const otherRequests: FakeGeminiUpstream['otherRequests'] = [];
  const issued = new Map<string, number>(); // token → expiry (ms)
  let tokenUri = '';

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const rawBody = Buffer.concat(chunks).toString('utf8');

      if (req.method === 'POST' && url.pathname === '/token' && opts.serviceAccount) {
        const record: TokenRequest = {};
        tokenRequests.push(record);
        const result = checkAssertion(new URLSearchParams(rawBody), opts.serviceAccount, tokenUri);
        if ('error' in result) {
          record.rejection = result.error;
          sendJson(res, 400, { error: 'invalid_grant', error_description: result.error });
          return;
        }
        record.claims = result.claims;
        const token = `ya29.fake-${tokenRequests.length}`;
        const ttl = opts.serviceAccount.tokenTtlSeconds ?? 3600;
        issued.set(token, Date.now() + ttl * 1000);
        record.issued = token;
        sendJson(res, 200, { access_token: token, expires_in: ttl, token_type: 'Bearer' });
        return;
      }

      const gemini = GENERATE.exec(url.pathname);
      const vertex = VERTEX_GENERATE.exec(url.pathname);
      if (req.method !== 'POST' || (!gemini && !vertex)) {
        otherRequests.push({ method: req.method ?? '', url: req.url ?? '' });
        sendGoogleError(res, { code: 404, message: `Not found: ${req.method} ${url.pathname}`, status: 'NOT_FOUND' });
        return;
      }

      const record: RecordedGeminiRequest = {
        api: gemini ? 'gemini' : 'vertex',
        model: decodeURIComponent(gemini ? gemini[1] : vertex![3]),
        ...(vertex ? { project: decodeURIComponent(vertex[1]), location: decodeURIComponent(vertex[2]) } : {}),
        body: undefined,
        headers: req.headers,
        index: requests.length,
        url: req.url ?? '',
      };
      requests.push(record);
      const reject = (error: GoogleError) => {
        record.rejection = error;
        sendGoogleError(res, error);
      };

      // Authentication, as each API answers it.
      if (record.api === 'gemini' && opts.apiKey !== undefined) {
        const key = req.headers['x-goog-api-key'] ?? url.searchParams.get('key');
        if (!key) return reject({ code: 403, message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", status: 'PERMISSION_DENIED' });
        if (key !== opts.apiKey) return reject({ code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' });
      }
      if (record.api === 'vertex' && opts.serviceAccount) {
        const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
        const expiry = token ? issued.get(token) : undefined;
        if (expiry === undefined || expiry < Date.now()) {
          return reject({ code: 401, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', status: 'UNAUTHENTICATED' });
        }
      }

      try {
        record.body = JSON.parse(rawBody);
      } catch {
        return reject({ code: 400, message: 'Invalid JSON payload received. Unexpected token.', status: 'INVALID_ARGUMENT' });
      }
      const problem = validateGeminiRequest(record.body, record.model);
      if (problem) return reject({ code: 400, message: problem, status: 'INVALID_ARGUMENT' });

      const sse = url.searchParams.get('alt') === 'sse';
      Promise.resolve()
        .then(() => opts.script(record))
        .then((reply) => writeReply(res, reply, sse))
        .catch((e: unknown) => {
          if (!res.headersSent) sendGoogleError(res, { code: 500, message: `fake script failed: ${String(e)}`, status: 'INTERNAL' });
          else res.socket?.destroy();
        });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  tokenUri = `${base}/token`;
  return {
    url: base,
    tokenUri,
    requests,
    tokenRequests,
    otherRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendGoogleError(res: ServerResponse, error: GoogleError): void {
  sendJson(res, error.code, { error });
}

async function writeReply(res: ServerResponse, reply: GeminiReply, sse: boolean): Promise<void> {
  if ('json' in reply) {
    sendJson(res, reply.status ?? 200, reply.json, reply.headers);
    return;
  }
  if ('raw' in reply) {
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', ...reply.headers });
    for (const piece of reply.raw) res.write(piece);
    res.end();
    return;
  }
  if (!sse) {
    sendJson(res, 200, reply.chunks, reply.headers);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
  const nl = reply.crlf === false ? '\n\n' : '\r\n\r\n';
  let sent = 0;
  for (const chunk of reply.chunks) {
    if (res.destroyed) return;
    if (reply.abortAfter !== undefined && sent >= reply.abortAfter) {
      res.socket?.destroy();
      return;
    }
    res.write(`data: ${JSON.stringify(chunk)}${nl}`);
    sent++;
    await new Promise((r) => (reply.delayMs ? setTimeout(r, reply.delayMs) : setImmediate(r)));
  }
  res.end();
}

// ---------------------------------------------------------------------------
// The OAuth 2.0 JWT-bearer grant (https://developers.google.com/identity/protocols/oauth2/service-account#httprest)

function checkAssertion(form: URLSearchParams, sa: FakeServiceAccount, tokenUri: string): { claims: Record<string, unknown> } | { error: string } {
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { error: 'Invalid grant_type.' };
  const assertion = form.get('assertion') ?? '';
  const [h, p, s] = assertion.split('.');
  if (!h || !p || !s) return { error: 'Invalid JWT: not three segments.' };
  let header: any;
  let claims: any;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return { error: 'Invalid JWT: not JSON.' };
  }
  if (header.alg !== 'RS256') return { error: `Invalid JWT: alg ${header.alg}.` };
  const key = typeof sa.publicKey === 'string' ? createPublicKey(sa.publicKey) : sa.publicKey;
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) return { error: 'Invalid JWT Signature.' };
  const now = Math.floor(Date.now() / 1000);
  if (claims.iss !== sa.clientEmail) return { error: `Invalid JWT: iss ${claims.iss}.` };
  if (claims.aud !== tokenUri) return { error: `Invalid JWT: aud ${claims.aud} is not this token endpoint.` };
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes('https://www.googleapis.com/auth/cloud-platform')) return { error: 'Invalid JWT: no cloud-platform scope.' };
  if (typeof claims.exp !== 'number' || claims.exp < now || typeof claims.iat !== 'number' || claims.iat > now + 60 || claims.exp - claims.iat > 3600) {
    return { error: 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.' };
  }
  return { claims };
}

/** A service-account key (fresh RSA key) whose token_uri is the fake's, and its public key. */
export function createTestServiceAccount(tokenUri: string, projectId = 'test-project'): { json: Record<string, string>; publicKey: KeyObject; clientEmail: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `gateway-test@${projectId}.iam.gserviceaccount.com`;
  return {
    clientEmail,
    publicKey,
    json: {
      type: 'service_account',
      project_id: projectId,
      private_key_id: 'test-key-1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: clientEmail,
      client_id: '1234567890',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
    },
  };
}

// ---------------------------------------------------------------------------
// Validation: what the Gemini API and Vertex AI refuse with 400 INVALID_ARGUMENT.

const TOP_LEVEL = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'safetySettings', 'generationConfig', 'cachedContent', 'labels']);
const PART_DATA = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];
const PART_META = new Set(['thought', 'thoughtSignature', 'videoMetadata', 'mediaResolution', 'partMetadata']);
// google.ai.generativelanguage.v1beta.Schema (https://ai.google.dev/api/caching#Schema).
const SCHEMA_FIELDS = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required',
  'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'example', 'anyOf', 'propertyOrdering',
  'default', 'items', 'minimum', 'maximum',
]);
const SCHEMA_TYPES = new Set(['TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);
const GENERATION_FIELDS = new Set([
  'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'candidateCount',
  'maxOutputTokens', 'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs',
  'logprobs', 'enableEnhancedCivicAnswers', 'speechConfig', 'thinkingConfig', 'mediaResolution',
]);
const THINKING_FIELDS = new Set(['includeThoughts', 'thinkingBudget', 'thinkingLevel']);
const HARM_CATEGORIES = new Set([
  'HARM_CATEGORY_HARASSMENT', 'HARM_CATEGORY_HATE_SPEECH', 'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT', 'HARM_CATEGORY_CIVIC_INTEGRITY',
]);
const THRESHOLDS = new Set(['HARM_BLOCK_THRESHOLD_UNSPECIFIED', 'BLOCK_LOW_AND_ABOVE', 'BLOCK_MEDIUM_AND_ABOVE', 'BLOCK_ONLY_HIGH', 'BLOCK_NONE', 'OFF']);
const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const unknownName = (name: string, at: string) => `Invalid JSON payload received. Unknown name "${name}" at '${at}': Cannot find field.`;

/** The reason the real API would refuse this body with a 400, or null. */
export function validateGeminiRequest(body: unknown, model: string): string | null {
  if (!isObj(body)) return 'Invalid JSON payload received. Expected an object.';
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) return `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`;

  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified';
  const declared = new Set<string>();
  for (const [t, tool] of (Array.isArray(body.tools) ? body.tools : []).entries()) {
    if (!isObj(tool)) return `Invalid value at 'tools[${t}]'.`;
    for (const [d, decl] of (Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : []).entries()) {
      const at = `tools[${t}].function_declarations[${d}]`;
      const e = checkDeclaration(decl, at);
      if (e) return e;
      if (declared.has(decl.name)) return `* GenerateContentRequest.${at}.name: Duplicate function declaration name \`${decl.name}\`.`;
      declared.add(decl.name);
    }
  }

  for (const [i, content] of contents.entries()) {
    const at = `contents[${i}]`;
    if (!isObj(content)) return `Invalid value at '${at}'.`;
    for (const key of Object.keys(content)) if (key !== 'role' && key !== 'parts') return unknownName(key, at);
    if (content.role !== undefined && content.role !== 'user' && content.role !== 'model') return 'Please use a valid role: user, model.';
    if (!Array.isArray(content.parts) || content.parts.length === 0) return `* GenerateContentRequest.${at}.parts: contents.parts must not be empty.`;
    for (const [j, part] of content.parts.entries()) {
      const e = checkPart(part, `${at}.parts[${j}]`, content.role ?? 'user');
      if (e) return e;
    }
  }

  // Function responses answer the calls of the model content just before them, one each, by name.
  for (const [i, content] of contents.entries()) {
    const responses = content.parts.filter((p: any) => p.functionResponse !== undefined);
    const calls = content.role === 'model' ? content.parts.filter((p: any) => p.functionCall !== undefined) : [];
    if (responses.length > 0) {
      const previous = contents[i - 1];
      const previousCalls = previous?.role === 'model' ? previous.parts.filter((p: any) => p.functionCall !== undefined) : [];
      if (previousCalls.length === 0) {
        return 'Please ensure that function response turn comes immediately after a function call turn.';
      }
      const names = new Set(previousCalls.map((p: any) => p.functionCall.name));
      for (const r of responses) {
        if (!names.has(r.functionResponse.name)) {
          return `* GenerateContentRequest.contents[${i}]: function response name \`${r.functionResponse.name}\` does not match any function call in the previous turn.`;
        }
      }
      if (responses.length !== previousCalls.length) {
        return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
      }
    }
    if (calls.length > 0 && i < contents.length - 1) {
      const next = contents[i + 1];
      if (!next.parts.some((p: any) => p.functionResponse !== undefined)) {
        return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
      }
    }
  }

  // Gemini 3: the first functionCall part of every step of the current turn carries its
  // thought signature (https://ai.google.dev/gemini-api/docs/thought-signatures).
  if (/^gemini-3/.test(model)) {
    let start = -1;
    contents.forEach((c: any, i: number) => {
      if (c.role !== 'model' && c.parts.some((p: any) => p.functionResponse === undefined)) start = i;
    });
    for (let i = start + 1; i < contents.length; i++) {
      const c = contents[i];
      if (c.role !== 'model') continue;
      const position = c.parts.findIndex((p: any) => p.functionCall !== undefined);
      if (position >= 0 && !(typeof c.parts[position].thoughtSignature === 'string' && c.parts[position].thoughtSignature !== '')) {
        return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${c.parts[position].functionCall.name}\` , position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
      }
    }
  }

  if (body.systemInstruction !== undefined) {
    const si = body.systemInstruction;
    if (!isObj(si) || !Array.isArray(si.parts) || si.parts.length === 0 || si.parts.some((p: any) => !isObj(p) || typeof p.text !== 'string')) {
      return "Invalid value at 'system_instruction': expected parts with text.";
    }
  }

  if (body.toolConfig !== undefined) {
    const fcc = body.toolConfig?.functionCallingConfig;
    if (!isObj(fcc) || !['AUTO', 'ANY', 'NONE', 'VALIDATED'].includes(fcc.mode)) return "Invalid value at 'tool_config.function_calling_config.mode'.";
    if (fcc.allowedFunctionNames !== undefined) {
      if (fcc.mode !== 'ANY' && fcc.mode !== 'VALIDATED') return '* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed when mode is ANY.';
      for (const n of fcc.allowedFunctionNames) if (!declared.has(n)) return `* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: function \`${n}\` is not declared.`;
    }
  }

  if (body.safetySettings !== undefined) {
    const seen = new Set<string>();
    for (const [i, s] of (Array.isArray(body.safetySettings) ? body.safetySettings : [null]).entries()) {
      if (!isObj(s) || !HARM_CATEGORIES.has(s.category)) return `Invalid value at 'safety_settings[${i}].category' (${s?.category}).`;
      if (!THRESHOLDS.has(s.threshold)) return `Invalid value at 'safety_settings[${i}].threshold' (${s.threshold}).`;
      if (seen.has(s.category)) return `* GenerateContentRequest.safety_settings: duplicate category ${s.category}.`;
      seen.add(s.category);
    }
  }

  const gc = body.generationConfig;
  if (gc !== undefined) {
    if (!isObj(gc)) return "Invalid value at 'generation_config'.";
    for (const key of Object.keys(gc)) if (!GENERATION_FIELDS.has(key)) return unknownName(key, 'generation_config');
    if (gc.temperature !== undefined && !(typeof gc.temperature === 'number' && gc.temperature >= 0 && gc.temperature <= 2)) return '* GenerateContentRequest.generation_config.temperature: must be in [0, 2].';
    if (gc.topP !== undefined && !(typeof gc.topP === 'number' && gc.topP >= 0 && gc.topP <= 1)) return '* GenerateContentRequest.generation_config.top_p: must be in [0, 1].';
    if (gc.maxOutputTokens !== undefined && !(Number.isInteger(gc.maxOutputTokens) && gc.maxOutputTokens > 0)) return '* GenerateContentRequest.generation_config.max_output_tokens: must be positive.';
    if (gc.responseSchema !== undefined && gc.responseJsonSchema !== undefined) return 'responseSchema and responseJsonSchema cannot both be set.';
    if ((gc.responseSchema !== undefined || gc.responseJsonSchema !== undefined) && gc.responseMimeType !== 'application/json') {
      return '* GenerateContentRequest.generation_config.response_mime_type: must be application/json when a response schema is set.';
    }
    const tc = gc.thinkingConfig;
    if (tc !== undefined) {
      if (!isObj(tc)) return "Invalid value at 'generation_config.thinking_config'.";
      for (const key of Object.keys(tc)) if (!THINKING_FIELDS.has(key)) return unknownName(key, 'generation_config.thinking_config');
      if (tc.thinkingLevel !== undefined && tc.thinkingBudget !== undefined) return 'You can only set only one of thinking budget and thinking level.';
      if (tc.thinkingLevel !== undefined) {
        if (!/^gemini-3/.test(model)) return 'Thinking level is not supported for this model.';
        if (!['minimal', 'low', 'medium', 'high', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH'].includes(tc.thinkingLevel)) return "Invalid value at 'generation_config.thinking_config.thinking_level'.";
      }
      if (tc.thinkingBudget !== undefined && !Number.isInteger(tc.thinkingBudget)) return "Invalid value at 'generation_config.thinking_config.thinking_budget'.";
    }
  }
  return null;
}

function checkPart(part: unknown, at: string, role: string): string | null {
  if (!isObj(part)) return `Invalid value at '${at}'.`;
  const data = Object.keys(part).filter((k) => PART_DATA.includes(k));
  for (const key of Object.keys(part)) if (!PART_DATA.includes(key) && !PART_META.has(key)) return unknownName(key, at);
  if (data.length !== 1) return `* GenerateContentRequest.${at}.data: required oneof field 'data' must have one initialized field`;
  if (part.thoughtSignature !== undefined && typeof part.thoughtSignature !== 'string') return `Invalid value at '${at}.thought_signature'.`;
  if (part.text !== undefined) {
    if (typeof part.text !== 'string') return `Invalid value at '${at}.text'.`;
    if (part.text === '' && part.thought !== true && part.thoughtSignature === undefined) return 'Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.';
  }
  if (part.inlineData !== undefined && !(isObj(part.inlineData) && typeof part.inlineData.mimeType === 'string' && typeof part.inlineData.data === 'string')) {
    return `* GenerateContentRequest.${at}.inline_data: mime_type and data are required.`;
  }
  if (part.fileData !== undefined && !(isObj(part.fileData) && typeof part.fileData.fileUri === 'string' && typeof part.fileData.mimeType === 'string')) {
    return `* GenerateContentRequest.${at}.file_data: file_uri and mime_type are required.`;
  }
  if (part.functionCall !== undefined) {
    if (role !== 'model') return `* GenerateContentRequest.${at}: function calls are only allowed in model turns.`;
    if (!isObj(part.functionCall) || typeof part.functionCall.name !== 'string' || part.functionCall.name === '') return `* GenerateContentRequest.${at}.function_call.name: name is not specified.`;
    if (part.functionCall.args !== undefined && !isObj(part.functionCall.args)) return `Invalid value at '${at}.function_call.args' (type.googleapis.com/google.protobuf.Struct).`;
  }
  if (part.functionResponse !== undefined) {
    if (role !== 'user') return `* GenerateContentRequest.${at}: function responses are only allowed in user turns.`;
    const fr = part.functionResponse;
    if (!isObj(fr) || typeof fr.name !== 'string' || fr.name === '') return `* GenerateContentRequest.${at}.function_response.name: Name cannot be empty.`;
    if (!isObj(fr.response)) return `Invalid value at '${at}.function_response.response' (type.googleapis.com/google.protobuf.Struct).`;
  }
  return null;
}

function checkDeclaration(decl: unknown, at: string): string | null {
  if (!isObj(decl)) return `Invalid value at '${at}'.`;
  for (const key of Object.keys(decl)) {
    if (!['name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema', 'behavior'].includes(key)) return unknownName(key, at);
  }
  if (typeof decl.name !== 'string' || !FUNCTION_NAME.test(decl.name)) {
    return `* GenerateContentRequest.${at}.name: Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain underscores, dots, colons and dashes, with a maximum length of 64.`;
  }
  if (decl.parameters !== undefined && decl.parametersJsonSchema !== undefined) return `* GenerateContentRequest.${at}: parameters and parameters_json_schema are mutually exclusive.`;
  if (decl.parameters !== undefined) return checkSchema(decl.parameters, `${at}.parameters`);
  return null;
}

function checkSchema(schema: unknown, at: string): string | null {
  if (!isObj(schema)) return `Invalid value at '${at}'.`;
  for (const key of Object.keys(schema)) if (!SCHEMA_FIELDS.has(key)) return unknownName(key, at);
  if (schema.type !== undefined) {
    if (Array.isArray(schema.type)) return `Invalid JSON payload received. Unknown name "type" at '${at}': Proto field is not repeating, cannot start list.`;
    if (typeof schema.type !== 'string' || !SCHEMA_TYPES.has(schema.type.toUpperCase())) return `Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), "${schema.type}"`;
  }
  if (schema.enum !== undefined && !(Array.isArray(schema.enum) && schema.enum.every((v: unknown) => typeof v === 'string'))) return `Invalid value at '${at}.enum': expected strings.`;
  const type = typeof schema.type === 'string' ? schema.type.toUpperCase() : undefined;
  if (schema.properties !== undefined) {
    if (!isObj(schema.properties)) return `Invalid value at '${at}.properties'.`;
    if (type === 'OBJECT' && Object.keys(schema.properties).length === 0) return `* GenerateContentRequest.${at}.properties: should be non-empty for OBJECT type`;
    for (const [name, sub] of Object.entries(schema.properties)) {
      const e = checkSchema(sub, `${at}.properties[${name}].value`);
      if (e) return e;
    }
  }
  if (schema.required !== undefined) {
    if (!Array.isArray(schema.required)) return `Invalid value at '${at}.required'.`;
    for (const [i, name] of schema.required.entries()) {
      if (!isObj(schema.properties) || !(name in schema.properties)) return `* GenerateContentRequest.${at}.required[${i}]: property is not defined`;
    }
  }
  if (schema.items !== undefined) {
    if (Array.isArray(schema.items)) return `Invalid JSON payload received. Unknown name "items" at '${at}': Proto field is not repeating, cannot start list.`;
    const e = checkSchema(schema.items, `${at}.items`);
    if (e) return e;
  }
  if (schema.anyOf !== undefined) {
    if (!Array.isArray(schema.anyOf)) return `Invalid value at '${at}.any_of'.`;
    for (const [i, sub] of schema.anyOf.entries()) {
      const e = checkSchema(sub, `${at}.any_of[${i}]`);
      if (e) return e;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// Chunk builders, shaped like the recordings in test/fixtures/gemini.

export interface GeminiChunkOptions {
  responseId?: string;
  modelVersion?: string;
  /** Thought-summary text streamed first as `thought: true` parts. */
  thoughts?: string;
  /** The thought signature: on the first call part, or on a final empty text part. */
  signature?: string;
  usage?: { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number; cachedContentTokenCount?: number };
  finishReason?: string;
}

let responseCounter = 0;

function chunk(parts: object[], o: GeminiChunkOptions & { responseId: string }, finishReason?: string): object {
  const candidate: Record<string, unknown> = { content: { parts, role: 'model' }, index: 0 };
  if (finishReason) candidate.finishReason = finishReason;
  const usage = {
    promptTokenCount: o.usage?.promptTokenCount ?? 100,
    candidatesTokenCount: o.usage?.candidatesTokenCount ?? 10,
    thoughtsTokenCount: o.usage?.thoughtsTokenCount ?? 20,
    ...(o.usage?.cachedContentTokenCount !== undefined ? { cachedContentTokenCount: o.usage.cachedContentTokenCount } : {}),
  };
  return {
    candidates: [candidate],
    usageMetadata: { ...usage, totalTokenCount: usage.promptTokenCount + usage.candidatesTokenCount + usage.thoughtsTokenCount },
    modelVersion: o.modelVersion ?? 'gemini-fake',
    responseId: o.responseId,
  };
}

function words(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [text];
}

/** Thought parts (optional), text in word pieces, then an empty text part with the signature and STOP. */
export function geminiTextChunks(text: string, opts: GeminiChunkOptions = {}): object[] {
  const o = { ...opts, responseId: opts.responseId ?? `fake-response-${++responseCounter}` };
  return [
    ...(opts.thoughts ? words(opts.thoughts).map((t) => chunk([{ text: t, thought: true }], o)) : []),
    ...words(text).map((t) => chunk([{ text: t }], o)),
    chunk([{ text: '', ...(opts.signature ? { thoughtSignature: opts.signature } : {}) }], o, opts.finishReason ?? 'STOP'),
  ];
}

export interface FakeFunctionCall {
  name: string;
  args?: Record<string, unknown>;
}

/** Thought parts (optional), then all calls in one chunk (the signature on the first), then STOP. */
export function geminiFunctionCallChunks(calls: FakeFunctionCall[], opts: GeminiChunkOptions = {}): object[] {
  const o = { ...opts, responseId: opts.responseId ?? `fake-response-${++responseCounter}` };
  const parts = calls.map((c, i) => ({
    functionCall: { name: c.name, ...(c.args !== undefined ? { args: c.args } : {}) },
    ...(i === 0 && opts.signature ? { thoughtSignature: opts.signature } : {}),
  }));
  return [
    ...(opts.thoughts ? words(opts.thoughts).map((t) => chunk([{ text: t, thought: true }], o)) : []),
    chunk(parts, o),
    chunk([{ text: '' }], o, opts.finishReason ?? 'STOP'),
  ];
}
