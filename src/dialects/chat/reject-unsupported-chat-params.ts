// Chat Completions features the canonical model cannot carry, refused by name with a
// 400 `unsupported_parameter`. Their neutral values (n: 1, logprobs: false,
// service_tier: 'auto', …) change nothing and are accepted.
// https://platform.openai.com/docs/api-reference/chat/create
import { invalidRequest, unsupported } from '../../http/errors.js';
import { isObject, type JsonObject } from '../shared/validate-fields.js';

export function rejectUnsupportedChatParams(body: JsonObject): void {
  const set = (key: string) => body[key] !== undefined && body[key] !== null;
  if (set('n') && body.n !== 1) {
    if (!Number.isInteger(body.n) || (body.n as number) < 1) throw invalidRequest('n', 'must be a positive integer');
    throw unsupported('n', 'only one choice per request is supported (n: 1)');
  }
  if (set('logprobs') && body.logprobs !== false) throw unsupported('logprobs', 'log probabilities are not available through this gateway');
  if (set('top_logprobs') && body.top_logprobs !== 0) throw unsupported('top_logprobs', 'log probabilities are not available through this gateway');
  if (set('audio')) throw unsupported('audio', 'audio output is not supported');
  if (set('modalities')) {
    if (!Array.isArray(body.modalities)) throw invalidRequest('modalities', 'must be an array');
    if (body.modalities.includes('audio')) throw unsupported('modalities', 'audio output is not supported');
    if (body.modalities.some((m) => m !== 'text')) throw invalidRequest('modalities', "only 'text' is allowed");
  }
  if (set('prediction')) throw unsupported('prediction', 'predicted outputs are not supported');
  if (set('web_search_options')) throw unsupported('web_search_options', 'hosted web search is not available on every route');
  // logit_bias is token-id based and tokenizer-specific, so it cannot follow a request
  // to another provider; an empty map is accepted because it changes nothing.
  if (set('logit_bias')) {
    if (!isObject(body.logit_bias)) throw invalidRequest('logit_bias', 'must be an object');
    if (Object.keys(body.logit_bias).length > 0) throw unsupported('logit_bias', 'token biases are tokenizer-specific and cannot be routed');
  }
  // The route, not the client, picks the upstream and its tier; 'auto'/'default'
  // ask for nothing beyond that, the paid tiers would be silently ignored.
  if (set('service_tier') && body.service_tier !== 'auto' && body.service_tier !== 'default') {
    throw unsupported('service_tier', "only 'auto' and 'default' are supported");
  }
  if (set('prompt_cache_retention') && body.prompt_cache_retention !== 'in-memory') {
    throw unsupported('prompt_cache_retention', "only 'in-memory' is supported");
  }
  // The deprecated functions API predates tool call ids, which every provider needs.
  if (set('functions')) throw unsupported('functions', "the legacy functions API is not supported; send 'tools'");
  if (set('function_call')) throw unsupported('function_call', "the legacy functions API is not supported; send 'tool_choice'");
}
