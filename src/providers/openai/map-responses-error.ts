// A Responses stream failure (`error` event or `response.failed`) → canonical error.
// https://platform.openai.com/docs/api-reference/responses-streaming/error
// https://platform.openai.com/docs/api-reference/responses/object#responses/object-error
//
// The stream already answered 200, so the status only matters to what the gateway does
// next (retry or fall back before the first byte, the status of a non-streamed answer,
// the turn record). It is the status OpenAI gives the same code over HTTP:
// | code                                           | status |
// |------------------------------------------------|--------|
// | rate_limit_exceeded, insufficient_quota         | 429    |
// | context_length_exceeded, invalid_*, image_*,    | 400    |
// | empty_image_file, unsupported_image_media_type, |        |
// | failed_to_download_image, *_policy_violation    |        |
// | server_is_overloaded, slow_down                 | 503    |
// | server_error, vector_store_timeout, unknown     | 500    |
// A code the table does not know is treated as OpenAI's own failure (500), which is
// retryable: the safer guess for a stream that had started normally.
import type { GatewayErrorInfo } from '../../canonical/types.js';
import { errorTypeForStatus } from '../../http/errors.js';

export function statusForResponsesErrorCode(code: string | null): number {
  if (code === null) return 500;
  if (code === 'rate_limit_exceeded' || code === 'insufficient_quota') return 429;
  if (code === 'server_is_overloaded' || code === 'slow_down') return 503;
  if (
    code === 'context_length_exceeded' ||
    code.startsWith('invalid_') ||
    code.startsWith('image_') ||
    code.endsWith('_policy_violation') ||
    code === 'empty_image_file' ||
    code === 'unsupported_image_media_type' ||
    code === 'failed_to_download_image'
  ) {
    return 400;
  }
  return 500;
}

// `error` events carry {type, code, message, param}; `response.failed` carries
// `response.error` {code, message}. Either may lack a field.
export function responsesErrorToInfo(raw: unknown): GatewayErrorInfo {
  const err = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const code = typeof err.code === 'string' && err.code !== '' ? err.code : typeof err.type === 'string' ? err.type : null;
  const status = statusForResponsesErrorCode(code);
  return {
    status,
    // OpenAI's `type` where it gave one (e.g. 'insufficient_quota'), else the status family's.
    type: typeof err.type === 'string' && err.type !== '' ? err.type : errorTypeForStatus(status),
    code,
    message: typeof err.message === 'string' && err.message !== '' ? err.message : 'The upstream response failed.',
    param: typeof err.param === 'string' ? err.param : null,
  };
}
