// Incremental SSE parsing of an upstream body with eventsource-parser: each event is
// yielded as soon as its frame is complete; a UTF-8 character or a frame split across
// TCP reads is reassembled, and `\r\n` framing (Google) works as well as `\n`.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { GatewayError } from '../http/errors.js';

export async function* readSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<EventSourceMessage> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => queue.push(e) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (queue.length > 0) yield queue.shift()!;
  }
  const rest = decoder.decode();
  if (rest) parser.feed(rest);
  // A last frame without its blank line still counts (Gemini closes without a sentinel).
  parser.feed('\n\n');
  while (queue.length > 0) yield queue.shift()!;
}

// The JSON payloads of an SSE stream, `[DONE]` and comments left out.
export async function* readSseJson(body: AsyncIterable<Uint8Array | string>, provider: string): AsyncGenerator<unknown> {
  for await (const message of readSse(body)) {
    const data = message.data;
    if (data === '' || data === '[DONE]') continue;
    try {
      yield JSON.parse(data);
    } catch {
      throw new GatewayError(502, 'upstream_invalid_stream', `${provider} sent a stream event that is not JSON.`, { type: 'server_error' });
    }
  }
}
