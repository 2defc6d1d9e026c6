/**
 * The scale section of `npm run bench:net`: one paperclip-native server process, `count` real
 * clients (encrypted, full handshakes, from this process on node:dgram, at most `concurrency`
 * handshakes in flight), and what the server pays for them: handshakes completed per second
 * over the whole ramp, and resident memory per live connection (RSS after all connected minus
 * RSS before the first, divided by the count). Clients stay connected (heartbeats) until the
 * measurement is taken, then disconnect gracefully.
 */
import { connect, type Client } from '../../lib/index.js';
import { startJsonServer, rssMb } from './proc.js';

export interface ScaleResult {
  readonly connections: number;
  readonly handshakes_per_sec: number;
  readonly rss_before_mb: number;
  readonly rss_after_mb: number;
  readonly bytes_per_connection: number;
}

export async function runScale(script: string, count: number, concurrency: number, progress?: (line: string) => void): Promise<ScaleResult> {
  const server = await startJsonServer('paperclip-native', process.execPath, [script, '--io', 'native', '--host', '127.0.0.1', '--port', '0', '--max-connections', String(count + 64)]);
  const clients: Client[] = [];
  try {
    await new Promise((r) => setTimeout(r, 300));
    const before = rssMb(server.pid);
    const started = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        next++;
        const client = await connect('127.0.0.1', server.port, { io: 'dgram', handshakeTimeoutMs: 30_000 });
        clients.push(client);
        await client.connected;
        if (clients.length % 2000 === 0) progress?.(`scale: ${clients.length} connected`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    // let the last handshakes' transient buffers go before sampling
    await new Promise((r) => setTimeout(r, 500));
    const after = rssMb(server.pid);
    return {
      connections: clients.length,
      handshakes_per_sec: Math.round(count / seconds),
      rss_before_mb: Math.round(before * 10) / 10,
      rss_after_mb: Math.round(after * 10) / 10,
      bytes_per_connection: Math.round(((after - before) * 1024 * 1024) / count),
    };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await server.stop();
  }
}
