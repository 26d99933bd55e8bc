// Verdicts in the trace: one span per evaluation pass, a child of the turn's root span
// (same trace id, so Jaeger shows it under the turn), with a `gen_ai.evaluation.result`
// event per verdict (OpenTelemetry GenAI semantic conventions).
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Tracer } from '@opentelemetry/api';
import type { TurnRecord } from '../src/records/turn-record.js';
import type { Verdict } from './evaluator.js';

export function traceVerdicts(tracer: Tracer, record: TurnRecord, verdicts: Verdict[], pass: 'first' | 'outcomes' | 'retry'): void {
  if (!record.trace || verdicts.length === 0) return;
  const parent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: record.trace.traceId,
    spanId: record.trace.spanId,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  const span = tracer.startSpan(
    'evaluate turn',
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        'gen_ai.operation.name': 'evaluate',
        'gateway.turn.id': record.id,
        'gateway.evaluation.pass': pass,
        'gateway.route.alias': record.route.alias,
        ...(record.responseId ? { 'gen_ai.response.id': record.responseId } : {}),
        ...(record.identity.developer ? { 'gateway.developer': record.identity.developer } : {}),
        ...(record.identity.repo ? { 'gateway.repo': record.identity.repo } : {}),
      },
    },
    parent,
  );
  for (const v of verdicts) {
    span.addEvent('gen_ai.evaluation.result', {
      'gen_ai.evaluation.name': v.name,
      'gen_ai.evaluation.score.value': v.score,
      'gen_ai.evaluation.score.label': v.label,
      'gen_ai.evaluation.explanation': v.explanation,
      ...(record.responseId ? { 'gen_ai.response.id': record.responseId } : {}),
    });
    span.setAttribute(`gateway.evaluation.${v.name}`, v.score);
  }
  span.end();
}
