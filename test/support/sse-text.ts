// Turns a raw server-sent-event body (what the gateway wrote on the wire) into
// events, so tests can inspect and validate it. Parsing is delegated to
// `eventsource-parser`, which implements the WHATWG rules: `\n`, `\r\n` and `\r`
// line endings, multi-line `data:` joined with `\n`, `:` comments ignored, and
// an unterminated last event (no blank line after it) not dispatched.
import { createParser } from 'eventsource-parser';

export interface SseFrame {
  event?: string;
  data: string;
}

// Every dispatched event, in order. `data: [DONE]` is returned as the data
// `[DONE]`; deciding what it means is the caller's business.
export function parseSseText(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  const parser = createParser({
    onEvent: (message) => {
      const frame: SseFrame = { data: message.data };
      if (message.event !== undefined) frame.event = message.event;
      frames.push(frame);
    },
    // Unknown fields (e.g. the `# turn 2` notes in the Codex captures) are
    // ignored by browsers, Codex and the openai SDK alike, so they are here too.
    onError: () => {},
  });
  parser.feed(text);
  return frames;
}

// The JSON payloads of a Responses stream. `[DONE]` is skipped (the Responses
// API never sends it, but both Codex and the openai SDK tolerate it). Any other
// payload that is not JSON throws: the openai SDK throws on it too, and
// skipping it silently would hide the very gateway bug a test is looking for.
export function parseResponsesSse(text: string): any[] {
  return parseSseText(text)
    .filter((frame) => frame.data !== '[DONE]')
    .map((frame, i) => {
      try {
        return JSON.parse(frame.data);
      } catch {
        throw new Error(`SSE frame ${i} is not JSON: ${JSON.stringify(frame.data.slice(0, 200))}`);
      }
    });
}

// Framing problems the JSON payloads alone cannot show: a data line that is
// not JSON, or an `event:` name that disagrees with the payload's `type`
// (Codex dispatches on `type`, so a mismatch means the gateway is confused).
export function checkResponsesSseFraming(text: string): string[] {
  const violations: string[] = [];
  parseSseText(text).forEach((frame, i) => {
    if (frame.data === '[DONE]') return;
    let payload: any;
    try {
      payload = JSON.parse(frame.data);
    } catch {
      violations.push(`frame #${i}: data is not JSON: ${JSON.stringify(frame.data.slice(0, 120))}`);
      return;
    }
    if (frame.event !== undefined && frame.event !== payload?.type) {
      violations.push(`frame #${i}: event name "${frame.event}" but data.type "${payload?.type}"`);
    }
  });
  return violations;
}
