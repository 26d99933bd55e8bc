// One POST to an upstream, with the failures every adapter maps the same way:
// unreachable → 502, timeout → 504, non-2xx → the upstream's status and message.
import { GatewayError } from '../http/errors.js';
import { upstreamError } from '../upstream/upstream-error.js';
import type { UpstreamResponse } from '../upstream/http-client.js';
import type { CallContext } from './provider.js';
import { redactUrl, scrubSecrets, secretsOfHeaders } from '../security/redact.js';

export async function postUpstream(
  ctx: CallContext,
  label: string,
  url: string,
  body: unknown,
  headers: Record<string, string>,
  // A provider's own error shape (Anthropic `{type:'error', error:{type}}`, Google `RetryInfo`).
  mapError?: (res: UpstreamResponse) => Promise<GatewayError>,
): Promise<UpstreamResponse> {
  let res: UpstreamResponse;
  const sent = { ...(ctx.route.headers ?? {}), ...headers };
  try {
    res = await ctx.http.post(url, typeof body === 'string' ? body : JSON.stringify(body), sent, ctx.signal);
  } catch (err) {
    throw connectionError(label, err);
  }
  if (res.status < 200 || res.status >= 300) throw scrubError(await (mapError ? mapError(res) : upstreamError(label, res)), secretsOfHeaders(sent));
  return res;
}

// An upstream's error message is passed on (it says what to fix), but an upstream may
// echo the credential it was sent ("Incorrect API key provided: sk-…", a proxy's page
// quoting the request): those values, and any URL credential, never reach the client,
// a log line or a span.
export function scrubError(error: GatewayError, secrets: string[]): GatewayError {
  const message = redactUrl(scrubSecrets(error.message, secrets));
  if (message === error.message) return error;
  return new GatewayError(error.status, error.code, message, { type: error.type, param: error.param, headers: error.headers });
}

export function connectionError(label: string, err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = err as { name?: string; code?: string };
  if (e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED')
    return new GatewayError(499, 'client_closed_request', 'The client closed the request.', { type: 'server_error' });
  if (e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT' || e?.code === 'UND_ERR_CONNECT_TIMEOUT')
    return new GatewayError(504, 'upstream_timeout', `${label} did not answer in time.`, { type: 'server_error' });
  // The code (ECONNREFUSED, ENOTFOUND…) says what to fix; the URL and headers are not echoed.
  return new GatewayError(502, 'upstream_unreachable', `${label} could not be reached (${e?.code ?? 'connection error'}).`, { type: 'server_error' });
}
