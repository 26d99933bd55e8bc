import type { GatewayErrorInfo } from '../canonical/types.js';

// Errors are values with a status, a code and a message a user can act on,
// serialised in OpenAI's shape: { error: { message, type, code, param } }.
export class GatewayError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  // Headers the client must see (Retry-After on 429/503).
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string | null,
    message: string,
    opts: { type?: string; param?: string | null; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'GatewayError';
    this.status = status;
    this.code = code;
    this.type = opts.type ?? errorTypeForStatus(status);
    this.param = opts.param ?? null;
    this.headers = opts.headers ?? {};
  }

  toInfo(): GatewayErrorInfo {
    return { status: this.status, type: this.type, code: this.code, message: this.message, param: this.param };
  }

  toBody(): { error: { message: string; type: string; code: string | null; param: string | null } } {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }

  static from(info: GatewayErrorInfo): GatewayError {
    return new GatewayError(info.status, info.code, info.message, { type: info.type, param: info.param ?? null });
  }
}

// The `type` values OpenAI uses for each status family.
export function errorTypeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 400 && status < 500) return 'invalid_request_error';
  return 'server_error';
}

// 400 naming the offending field, e.g. invalidRequest('input[3].call_id', 'is required').
export function invalidRequest(param: string, problem: string, code: string | null = 'invalid_value'): GatewayError {
  return new GatewayError(400, code, `Invalid '${param}': ${problem}`, { param });
}

export function unsupported(param: string, problem: string): GatewayError {
  return new GatewayError(400, 'unsupported_parameter', `Unsupported '${param}': ${problem}`, { param });
}
