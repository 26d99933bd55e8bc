// Starts the real gateway in-process on a loopback port for tests, with a silent
// logger and the turn summaries collected.
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/server.js';
import type { TurnSummary } from '../../src/pipeline/turn.js';
import type { TracerProvider } from '@opentelemetry/api';

export interface TestGateway extends RunningGateway {
  turns: TurnSummary[];
}

export async function startTestGateway(configText: string, opts: { heartbeatMs?: number; env?: NodeJS.ProcessEnv; tracerProvider?: TracerProvider } = {}): Promise<TestGateway> {
  const turns: TurnSummary[] = [];
  const gw = await startGateway({
    configText,
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'silent' }),
    heartbeatMs: opts.heartbeatMs,
    onTurn: (t) => turns.push(t),
    env: opts.env ?? {},
    tracerProvider: opts.tracerProvider,
  });
  return Object.assign(gw, { turns });
}

// A route table with one OpenAI-compatible route (and optional others) for tests.
export function compatRoute(alias: string, baseUrl: string, extra = ''): string {
  return `  - alias: "${alias}"\n    provider: openai_compatible\n    model: fake-model\n    base_url: "${baseUrl}"\n${extra}`;
}
