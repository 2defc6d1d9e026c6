/**
 * The scale section of `npm run bench:net`: one paperclip-native server process, `count` real
 * clients (encrypted, full handshakes, from this process on node:dgram, at most `concurrency`
 * handshakes in flight), and what the server pays for them: handshakes completed per second
 * over the first half of the ramp, and resident memory per live connection, taken as the RSS
 * growth over the second half divided by its connections (the first half also pays for JIT code,
 * heap headroom and buffers). Clients stay connected (heartbeats) until the measurement is
 * taken, then disconnect gracefully. Both processes share this machine's cores: the handshake
 * rate is a floor for the server alone.
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
  let started = 0;
  let connected = 0;
  const ramp = async (target: number): Promise<void> => {
    const worker = async (): Promise<void> => {
      while (started < target) {
        started++;
        const client = await connect('127.0.0.1', server.port, { io: 'dgram', handshakeTimeoutMs: 30_000 });
        clients.push(client);
        await client.connected;
        if (++connected % 2000 === 0) progress?.(`scale: ${connected} connected`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  // after a ramp, let the handshakes' transient garbage be collected before sampling
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1000));
  try {
    await settle();
    const before = rssMb(server.pid);
    const started = performance.now();
    await ramp(Math.floor(count / 2));
    const seconds = (performance.now() - started) / 1000;
    await settle();
    const half = rssMb(server.pid);
    await ramp(count);
    await settle();
    const after = rssMb(server.pid);
    return {
      connections: connected,
      handshakes_per_sec: Math.round(Math.floor(count / 2) / seconds),
      rss_before_mb: Math.round(before * 10) / 10,
      rss_after_mb: Math.round(after * 10) / 10,
      // the second half's growth: the first also pays for JIT code, heap headroom and buffers
      bytes_per_connection: Math.round(((after - half) * 1024 * 1024) / (count - Math.floor(count / 2))),
    };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await server.stop();
  }
}
