// Budget alerts as a Slack-compatible webhook POST ({ text }). Failures are logged,
// never thrown: an alert must not fail a request.
import { request } from 'undici';
import type { Logger } from 'pino';

export type AlertLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export async function postWebhook(url: string, text: string, logger: AlertLogger, timeoutMs = 5000): Promise<boolean> {
  // Webhook URLs carry a secret (Slack's do): log the host only.
  let host = '(invalid url)';
  try {
    host = new URL(url).host;
  } catch {
    logger.warn({ webhook: host }, 'budget alert: alerts.webhook_url is not a URL');
    return false;
  }
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await res.body.dump();
    if (res.statusCode >= 300) {
      logger.warn({ webhook: host, status: res.statusCode }, `budget alert: the webhook answered ${res.statusCode}`);
      return false;
    }
    return true;
  } catch (err) {
    logger.warn({ webhook: host, err: (err as Error).message }, 'budget alert: the webhook POST failed');
    return false;
  }
}
