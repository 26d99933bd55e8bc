// Estimates a canonical request's input tokens before dispatch, without calling any
// provider: instructions, every input item, the tool definitions and a json_schema
// response format, each with the framing OpenAI bills around it (token-overheads.ts).
//
// Codex resends the whole history every turn, so counts are memoised per item:
// - per session (the caller passes the `session-id` header or `prompt_cache_key`): a map
//   from an item's content hash to its tokens, so a turn only counts what is new;
// - across sessions: the tool list, the instructions and system/developer messages, which
//   every Codex session shares (its ~4k-token developer prompt, its ~1.4k tokens of tools).
// Bounds: at most `maxSessions` sessions, least recently used evicted first, and at most
// `maxEntries` memo entries over all sessions (about 100 bytes each: 20 MB by default);
// one session keeps at most half of that, dropping its oldest items first.
//
// Speed: counting exactly costs 30-60 ns a character in a process that has been counting
// for a while, but up to ~500 ns in a fresh one (the tokenizer's merge cache and JIT are
// cold), so 100k tokens (~400 KB) take 15 ms to 200 ms: too slow for a cold 100k-token
// request's routing decision (issue 4: ≤ 30 ms). So each call counts exactly for at most
// `exactTimeBudgetMs`: before each text it predicts the text's cost from the rate measured
// so far, and estimates the text instead (approximate-text-tokens.ts; on the bench's
// 100k-token requests the total stays within 5% of the exact count) when the prediction
// would overrun the budget. Warm turns, and cold requests of a few thousand tokens, are
// counted exactly; a running gateway counts even a cold 100k-token request mostly exactly.
// What was estimated stays estimated in the memo, so a session's numbers are stable.
// Call warmUpTokenCounting() at start-up so the first request pays less for the cold JIT.
import type { Request } from '../canonical/types.js';
import { approximateTextTokens } from './approximate-text-tokens.js';
import { countTextTokens } from './count-text-tokens.js';
import {
  countInstructionsTokens,
  countItemTokens,
  countResponseFormatTokens,
  type TextCounter,
} from './count-item-tokens.js';
import { itemKey, textKey } from './item-key.js';
import { renderToolDefinitions } from './render-tool-definitions.js';
import { PER_MESSAGE, REPLY_PRIMER } from './token-overheads.js';

export interface TokenEstimatorOptions {
  // Sessions remembered; least recently used first out. Default 1000.
  maxSessions?: number;
  // Memo entries over all sessions (an entry is one item's count). Default 200,000.
  maxEntries?: number;
  // Time one call may spend counting exactly; past it, the fast estimate. Default 15 ms.
  // Infinity: always exact; 0: always the fast estimate.
  exactTimeBudgetMs?: number;
  // The clock, in milliseconds (tests pass a fake one).
  now?: () => number;
}

export interface TokenEstimate {
  tokens: number;
  // Input items counted by this call, and items whose count came from the memo.
  newItems: number;
  cachedItems: number;
  // Whether any text of this request was estimated rather than counted (now or in an earlier call).
  approximate: boolean;
}

export interface TokenEstimator {
  estimate(request: Request, sessionKey?: string): TokenEstimate;
}

interface Count {
  tokens: number;
  approximate: boolean;
}

export function createTokenEstimator(opts: TokenEstimatorOptions = {}): TokenEstimator {
  const maxSessions = opts.maxSessions ?? 1000;
  const maxEntries = opts.maxEntries ?? 200_000;
  const exactTimeBudgetMs = opts.exactTimeBudgetMs ?? 15;
  const now = opts.now ?? (() => performance.now());
  // Measured cost of exact counting, ms per character: starts pessimistic (a fresh
  // process), then follows what this process achieves.
  let msPerChar = 300e-6;
  const sessions = new Map<string, Map<string, Count>>();
  const shared = new Map<string, Count>();
  const maxShared = 512;
  let entries = 0;

  function sessionMemo(key: string): Map<string, Count> {
    let memo = sessions.get(key);
    if (memo) {
      sessions.delete(key); // re-insert: Map order is the LRU order
    } else {
      memo = new Map();
    }
    sessions.set(key, memo);
    while (sessions.size > maxSessions) dropSession(sessions.keys().next().value!);
    return memo;
  }

  function dropSession(key: string): void {
    entries -= sessions.get(key)?.size ?? 0;
    sessions.delete(key);
  }

  function remember(memo: Map<string, Count>, key: string, count: Count, sessionKey?: string): void {
    if (memo === shared) {
      if (shared.size >= maxShared) shared.delete(shared.keys().next().value!);
      shared.set(key, count);
      return;
    }
    memo.set(key, count);
    entries++;
    if (memo.size > maxEntries / 2) {
      memo.delete(memo.keys().next().value!);
      entries--;
    }
    // Over the global bound: drop whole sessions, least recently used first, never this one.
    for (const oldest of sessions.keys()) {
      if (entries <= maxEntries || oldest === sessionKey) break;
      dropSession(oldest);
    }
  }

  return {
    estimate(request, sessionKey) {
      const start = now();
      let approximate = false;
      // Counts one text exactly if that fits in the time budget, else estimates it.
      const countText: TextCounter = (text) => {
        const t0 = now();
        if (t0 - start + text.length * msPerChar <= exactTimeBudgetMs) {
          const n = countTextTokens(text);
          // Short texts time too coarsely to teach anything.
          if (text.length >= 2000) msPerChar += 0.3 * ((now() - t0) / text.length - msPerChar);
          return n;
        }
        approximate = true;
        return approximateTextTokens(text);
      };
      // Looks a count up in `memo`, computing and remembering it when missing. The
      // `approximate` flag is tracked per count, so a memo hit reports it too.
      const memoised = (memo: Map<string, Count> | undefined, key: string, compute: () => number): { count: Count; cached: boolean } => {
        const hit = memo?.get(key);
        if (hit) {
          approximate ||= hit.approximate;
          return { count: hit, cached: true };
        }
        const before = approximate;
        approximate = false;
        const count = { tokens: compute(), approximate };
        approximate ||= before;
        if (memo) remember(memo, key, count, sessionKey);
        return { count, cached: false };
      };

      const session = sessionKey === undefined ? undefined : sessionMemo(sessionKey);
      let tokens = REPLY_PRIMER;
      let hasDeveloperText = false;
      if (request.instructions) {
        hasDeveloperText = true;
        tokens += memoised(shared, textKey('instructions', request.instructions), () => countInstructionsTokens(request.instructions!, countText)).count.tokens;
      }
      let newItems = 0;
      let cachedItems = 0;
      for (const item of request.items) {
        const systemish = item.type === 'message' && (item.role === 'system' || item.role === 'developer');
        hasDeveloperText ||= systemish;
        const { count, cached } = memoised(systemish ? shared : session, itemKey(item), () => countItemTokens(item, countText));
        tokens += count.tokens;
        if (cached) cachedItems++;
        else newItems++;
      }
      if (request.tools.length > 0) {
        const toolsJson = JSON.stringify(request.tools);
        tokens += memoised(shared, textKey('tools', toolsJson), () => countText(renderToolDefinitions(request.tools))).count.tokens;
        // The tool list joins the instructions' developer message, or makes its own.
        if (!hasDeveloperText) tokens += PER_MESSAGE;
      }
      tokens += countResponseFormatTokens(request.responseFormat, countText);
      return { tokens, newItems, cachedItems, approximate };
    },
  };
}
