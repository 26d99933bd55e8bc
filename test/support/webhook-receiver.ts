// A loopback webhook receiver (Slack-compatible incoming webhook): keeps every POSTed
// JSON body; answers `status` (200 unless a test sets it otherwise).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  contentType: string | undefined;
  body: unknown;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  status: number;
  // Resolves once at least `count` posts arrived (rejects after timeoutMs).
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: (() => void)[] = [];
  const receiver = { status: 200 } as WebhookReceiver;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      received.push({ path: req.url ?? '/', contentType: req.headers['content-type'], body });
      for (const w of waiters.splice(0)) w();
      res.writeHead(receiver.status, { 'content-type': 'text/plain' }).end(receiver.status < 300 ? 'ok' : 'error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/services/T000/B000/XXXX`;
  receiver.received = received;
  receiver.waitFor = (count, timeoutMs = 5000) =>
    new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`webhook receiver: ${received.length} of ${count} posts after ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        if (received.length >= count) {
          clearTimeout(deadline);
          resolve(received);
        } else waiters.push(check);
      };
      check();
    });
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}
