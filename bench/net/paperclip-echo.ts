/**
 * paperclip-dgram / paperclip-native: the paperclip-net echo server of `npm run bench:net`.
 * createServer() with encryption (the default), every message echoed to its sender with the
 * delivery and channel it arrived on. `--io` picks the I/O path (node:dgram or the native engine);
 * the primitives are native either way, so the two rows differ only in the I/O path.
 *
 * Usage: node dist/bench/net/paperclip-echo.js --io native|dgram [--host 127.0.0.1] [--port 0] [--max-connections N]
 * Prints {"event":"ready","impl":…,"port":P}; on SIGTERM/SIGINT {"event":"exit",…} and exits 0.
 */
import { parseArgs } from 'node:util';
import { createServer } from '../../lib/index.js';
import type { IoBackend } from '../../lib/transport/io-backend.js';

const { values } = parseArgs({
  options: {
    io: { type: 'string', default: 'native' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'max-connections': { type: 'string', default: '4096' },
  },
});
if (values.io !== 'native' && values.io !== 'dgram') {
  process.stderr.write(`paperclip-echo: --io must be native or dgram, not "${values.io}"\n`);
  process.exit(2);
}
const io: IoBackend = values.io;
const impl = `paperclip-${io}`;
const server = await createServer({
  io,
  host: values.host,
  port: Number(values.port),
  maxConnections: Number(values['max-connections']),
  // the load generator opens every client from one address: no per-address handshake limit here
  handshakesPerAddressPerSecond: 1_000_000,
});
let messages = 0;
let connections = 0;
server.on('connection', () => connections++);
server.on('message', (peer, data, info) => {
  messages++;
  peer.send(data, info);
});
process.stdout.write(`${JSON.stringify({ event: 'ready', impl, port: server.address.port, node: process.version })}\n`);

function stop(): void {
  const engine = server.ioStats;
  process.stdout.write(`${JSON.stringify({ event: 'exit', impl, messages, connections, ...(engine !== undefined ? { engine } : {}) })}\n`);
  process.exit(0);
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
