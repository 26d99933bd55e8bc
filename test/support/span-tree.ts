// Finished spans as a tree (name, kind, children), for tests that assert the exact shape
// of one request's trace.
import { SpanKind } from '@opentelemetry/api';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface SpanNode {
  name: string;
  kind: string;
  children: SpanNode[];
}

// The request's own spans: the eval loop's `evaluate turn` spans join the trace later,
// when the turn has been scored (test/integration/eval-loop.test.ts checks those).
export function treeOf(spans: ReadableSpan[], root: ReadableSpan): SpanNode {
  const children = spans
    .filter((s) => s.parentSpanContext?.spanId === root.spanContext().spanId && s.name !== 'evaluate turn')
    .sort((a, b) => hr(a.startTime) - hr(b.startTime));
  return { name: root.name, kind: SpanKind[root.kind], children: children.map((c) => treeOf(spans, c)) };
}

export function roots(spans: ReadableSpan[]): ReadableSpan[] {
  return spans.filter((s) => s.kind === SpanKind.SERVER);
}

// The root ends when the response closes, a moment after the client read it all.
export async function waitForRoots(exporter: InMemorySpanExporter, count: number, timeoutMs = 3000): Promise<ReadableSpan[]> {
  const until = Date.now() + timeoutMs;
  while (roots(exporter.getFinishedSpans()).length < count) {
    if (Date.now() > until) throw new Error(`expected ${count} root spans, have ${roots(exporter.getFinishedSpans()).length}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return exporter.getFinishedSpans();
}

export function childrenOf(spans: ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId).sort((a, b) => hr(a.startTime) - hr(b.startTime));
}

function hr(t: [number, number]): number {
  return t[0] * 1e9 + t[1];
}
