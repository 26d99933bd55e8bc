// Anthropic errors → gateway errors, before the stream (an HTTP status and a JSON body)
// and inside it (an `event: error`). https://docs.anthropic.com/en/api/errors
//
// Body: `{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"},
// "request_id": "req_…"}`. The status is kept (529 stays 529: Codex retries 5xx and 529,
// and stops on 400), `Retry-After` is kept (Codex waits that long on a 429), the code is
// Anthropic's error type (`overloaded_error`, `rate_limit_error`, …), and the message is
// Anthropic's, which says what to fix. One exception: "prompt is too long" gets the code
// `context_length_exceeded`, the one OpenAI clients (Codex) recognize for a full context.
// Our request, and so the key, is never echoed.
import type { GatewayErrorInfo } from '../../canonical/types.js';
import { GatewayError, errorTypeForStatus } from '../../http/errors.js';
import type { UpstreamResponse } from '../../upstream/http-client.js';
import type { AnthropicErrorBody } from './anthropic-api.js';
import { readErrorBody } from '../../upstream/upstream-error.js';

const LABEL = 'Anthropic';

// Anthropic's error types and the HTTP status each comes with.
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export async function mapAnthropicError(res: UpstreamResponse): Promise<GatewayError> {
  const text = await readErrorBody(res);
  return anthropicHttpError(res.status, res.headers, text);
}

export function anthropicHttpError(status: number, headers: Record<string, string | string[] | undefined>, text: string): GatewayError {
  let body: { error?: AnthropicErrorBody; request_id?: string } | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') body = parsed as typeof body;
  } catch {
    /* not JSON (a proxy's HTML page): keep the text */
  }
  const err = body?.error;
  const type = typeof err?.type === 'string' && err.type !== '' ? err.type : undefined;
  const message = typeof err?.message === 'string' && err.message !== '' ? err.message : text.slice(0, 2000) || `HTTP ${status}`;
  const out: Record<string, string> = {};
  const retryAfter = headers['retry-after'];
  if (retryAfter) out['retry-after'] = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  const requestId = typeof body?.request_id === 'string' ? ` (request_id ${body.request_id})` : '';
  return new GatewayError(status, codeFor(type, message, status), `${LABEL} upstream error: ${message}${requestId}`, {
    type: errorTypeForStatus(status),
    headers: out,
  });
}

// A mid-stream `event: error`: the status its type would have had as an HTTP answer.
export function anthropicStreamError(err: AnthropicErrorBody | null | undefined): GatewayErrorInfo {
  const type = typeof err?.type === 'string' && err.type !== '' ? err.type : undefined;
  const status = (type && STATUS_BY_TYPE[type]) || 502;
  const message = typeof err?.message === 'string' && err.message !== '' ? err.message : 'the stream reported an error';
  return { status, type: errorTypeForStatus(status), code: codeFor(type, message, status), message: `${LABEL} upstream error: ${message}` };
}

function codeFor(type: string | undefined, message: string, status: number): string {
  if (status === 400 && /prompt is too long/i.test(message)) return 'context_length_exceeded';
  if (type) return type;
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 529) return 'overloaded_error';
  if (status >= 500) return 'upstream_error';
  return 'upstream_bad_request';
}
