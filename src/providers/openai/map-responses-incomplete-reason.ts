// `response.incomplete`'s `incomplete_details.reason` → canonical finish reason.
// https://platform.openai.com/docs/api-reference/responses/object#responses/object-incomplete_details
import type { FinishReason } from '../../canonical/types.js';

export function mapResponsesIncompleteReason(reason: string | undefined): FinishReason {
  switch (reason) {
    case 'content_filter':
      return 'content_filter';
    case 'max_output_tokens':
      return 'length';
    default:
      // The two reasons above are the documented ones. Whatever a new one is, the answer
      // was cut short, which 'length' says and 'stop' would hide.
      return 'length';
  }
}
