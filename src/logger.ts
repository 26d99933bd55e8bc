import { pino, type Logger } from 'pino';

// Structured JSON logs on stdout. Request bodies and headers are never logged, and
// authorization-like fields are redacted should one ever be passed in.
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'gateway' },
    redact: { paths: ['*.authorization', '*.apiKey', '*.api_key', '*["x-api-key"]', '*["x-goog-api-key"]'], censor: '[redacted]' },
  });
}
