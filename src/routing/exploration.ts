// Exploration: a rule's `explore` share of turns is routed against the rule, so that the
// optimizer (`gateway optimize`) has evidence on both sides of its threshold.
//
// The draw is per session and per rule: the first 8 hex digits of
// sha256(session key, rule index) as a fraction of 2^32; the session is explored for that
// rule when the fraction is below the rule's `explore`. So every turn of one Codex session
// gets the same answer for a rule, and the session never flips between models because of
// a coin toss.
import { createHash } from 'node:crypto';

export function sessionDraw(sessionKey: string, ruleIndex: number): number {
  const hex = createHash('sha256').update(`${sessionKey}\u0000${ruleIndex}`).digest('hex').slice(0, 8);
  return parseInt(hex, 16) / 0x1_0000_0000;
}

// One draw per rule for one request, made only when a rule asks for it. With no session
// key (a client that sends neither `session-id` nor `prompt_cache_key`) there is nothing
// to keep consistent, so each request draws afresh with `random` (Math.random).
export function explorationDraws(sessionKey: string | undefined, random: () => number = Math.random): (ruleIndex: number) => number {
  const drawn = new Map<number, number>();
  return (ruleIndex) => {
    let d = drawn.get(ruleIndex);
    if (d === undefined) {
      d = sessionKey !== undefined ? sessionDraw(sessionKey, ruleIndex) : random();
      drawn.set(ruleIndex, d);
    }
    return d;
  };
}
