// An upstream's non-2xx answer, as an OpenAI-shaped error with the same status, so
// clients keep their semantics (Codex retries 429 with Retry-After and 5xx/529, stops
// on 400). The upstream's own message is kept: it says what to fix. Our request,
// and so any key, is never echoed.
import { GatewayError } from '../http/errors.js';
import type { UpstreamResponse } from './http-client.js';

const MAX_ERROR_BODY = 64 * 1024;

export async function upstreamError(provider: string, res: UpstreamResponse): Promise<GatewayError> {
  return errorFromBody(provider, res.status, res.headers, await readErrorBody(res));
}

// An error body, read up to 64 KiB (enough for any provider's message; a proxy's HTML
// page can be large), then the connection is released.
export async function readErrorBody(res: UpstreamResponse): Promise<string> {
  let text = '';
  try {
    for await (const chunk of res.body) {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.length > MAX_ERROR_BODY) break;
    }
  } catch {
    /* the status is what matters */
  }
  res.body.destroy();
  return text;
}

export function errorFromBody(
  provider: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
): GatewayError {
  let message = text.slice(0, 2000) || `HTTP ${status}`;
  let code: string | null = null;
  let type: string | undefined;
  let param: string | null = null;
  try {
    const body = JSON.parse(text);
    // Array bodies: Google sometimes wraps the error in a list.
    const err = (Array.isArray(body) ? body[0] : body)?.error ?? body;
    if (typeof err === 'object' && err !== null) {
      if (typeof err.message === 'string') message = err.message;
      if (typeof err.code === 'string') code = err.code;
      else if (typeof err.status === 'string') code = err.status.toLowerCase(); // Google's RESOURCE_EXHAUSTED
      if (typeof err.type === 'string') type = err.type === 'error' ? undefined : err.type;
      if (typeof err.param === 'string') param = err.param;
    }
  } catch {
    /* not JSON: keep the text */
  }
  const out: Record<string, string> = {};
  const retryAfter = headers['retry-after'];
  if (retryAfter) out['retry-after'] = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  return new GatewayError(status, code ?? defaultCode(status), `${provider} upstream error: ${message}`, {
    type,
    param,
    headers: out,
  });
}

function defaultCode(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 401) return 'upstream_authentication_failed';
  if (status === 404) return 'upstream_not_found';
  if (status >= 500) return 'upstream_error';
  return 'upstream_bad_request';
}
