// A non-2xx answer from the Gemini API or Vertex AI → an OpenAI-shaped GatewayError.
// Google's shape (https://cloud.google.com/apis/design/errors#error_model):
//   {"error": {"code": 429, "message": "…", "status": "RESOURCE_EXHAUSTED",
//              "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "34.4s"}]}}
// sometimes wrapped in a list. The HTTP status is kept, the code is `status` lower-cased
// (`resource_exhausted`, `invalid_argument`), and when Google sends no Retry-After header
// the RetryInfo delay becomes one, rounded up to whole seconds: Codex retries a 429 only
// when it has a Retry-After (test/fixtures/codex/README.md).
import { GatewayError, errorTypeForStatus } from '../../http/errors.js';
import type { UpstreamResponse } from '../../upstream/http-client.js';
import type { GoogleErrorBody } from './gemini-api.js';
import { readErrorBody } from '../../upstream/upstream-error.js';

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

export async function mapGeminiError(label: string, res: UpstreamResponse): Promise<GatewayError> {
  const text = await readErrorBody(res);
  return geminiErrorFromBody(label, res.status, res.headers, text);
}

export function geminiErrorFromBody(label: string, status: number, headers: Record<string, string | string[] | undefined>, text: string): GatewayError {
  let error: GoogleErrorBody['error'];
  try {
    const body: unknown = JSON.parse(text);
    const first = (Array.isArray(body) ? body[0] : body) as GoogleErrorBody | undefined;
    if (first && typeof first.error === 'object' && first.error !== null) error = first.error;
  } catch {
    /* not JSON: keep the text */
  }

  const message = typeof error?.message === 'string' && error.message !== '' ? error.message : text.slice(0, 2000) || `HTTP ${status}`;
  const code = typeof error?.status === 'string' && error.status !== '' ? error.status.toLowerCase() : defaultCode(status);

  const out: Record<string, string> = {};
  const header = headers['retry-after'];
  const retryAfter = Array.isArray(header) ? header[0] : header;
  if (retryAfter) out['retry-after'] = retryAfter;
  else {
    const delay = retryDelaySeconds(error?.details);
    if (delay !== undefined) out['retry-after'] = String(delay);
  }
  return new GatewayError(status, code, `${label} upstream error: ${message}`, { type: errorTypeForStatus(status), headers: out });
}

// google.protobuf.Duration in JSON: "34.4s", "1s", "0.5s" → whole seconds, rounded up.
function retryDelaySeconds(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    if (d?.['@type'] !== RETRY_INFO || typeof d.retryDelay !== 'string') continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(d.retryDelay.trim());
    if (match) return Math.max(1, Math.ceil(Number(match[1])));
  }
  return undefined;
}

function defaultCode(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 401 || status === 403) return 'upstream_authentication_failed';
  if (status === 404) return 'upstream_not_found';
  if (status >= 500) return 'upstream_error';
  return 'upstream_bad_request';
}
