// A Redis of a test's own, on a free loopback port, so it can be killed and restarted
// without disturbing the shared one on 6379 (queue-outage and chaos tests).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  readonly running: boolean;
  // Starts (again) on the same port with the same arguments.
  start(): Promise<void>;
  // SIGKILL: no shutdown save, as a crash.
  kill(): Promise<void>;
}

// `args`: extra redis-server arguments (persistence…); by default nothing is saved.
export function testRedis(port: number, args: string[] = ['--save', '', '--appendonly', 'no']): TestRedis {
  let child: ChildProcess | undefined;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    async start() {
      const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      child = c;
      await new Promise<void>((resolve, reject) => {
        let out = '';
        c.stdout!.on('data', (d) => {
          out += d;
          if (out.includes('Ready to accept connections')) resolve();
        });
        c.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
      });
    },
    async kill() {
      const c = child;
      child = undefined;
      if (!c) return;
      c.kill('SIGKILL');
      await new Promise((resolve) => c.once('exit', resolve));
    },
  };
}
