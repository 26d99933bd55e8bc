import type { GatewayErrorInfo } from '../../canonical/types.js';

// An upstream stream that stopped before its own end marker (a dropped connection, a
// proxy timeout): never presented as a complete answer. 502, as for any bad upstream reply.
export function streamTruncated(message: string): GatewayErrorInfo {
  return { status: 502, type: 'server_error', code: 'upstream_stream_truncated', message, param: null };
}
