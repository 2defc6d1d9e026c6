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
import { createServer, type Peer } from '../../lib/index.js';
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
const peers = new Set<Peer>();
server.on('connection', (peer) => {
  connections++;
  peers.add(peer);
});
server.on('message', (peer, data, info) => {
  messages++;
  peer.send(data, info);
});
process.stdout.write(`${JSON.stringify({ event: 'ready', impl, port: server.address.port, node: process.version })}\n`);

/** Sums over the live connections: what the protocol did to keep up (loss detection, windows). */
function protocolTotals(): Record<string, number> {
  const t = { lost: 0, retransmits: 0, duplicates: 0, cwnd_mean: 0, rtt_mean_ms: 0 };
  let n = 0;
  for (const peer of peers) {
    const s = peer.stats;
    if (s === undefined) continue;
    n++;
    t.lost += s.lost;
    t.retransmits += s.retransmits;
    t.duplicates += s.duplicates;
    t.cwnd_mean += s.cwnd;
    t.rtt_mean_ms += s.rtt;
  }
  if (n > 0) {
    t.cwnd_mean = Math.round(t.cwnd_mean / n);
    t.rtt_mean_ms = Math.round((t.rtt_mean_ms / n) * 100) / 100;
  }
  return t;
}

function stop(): void {
  const engine = server.ioStats;
  const protocol = protocolTotals();
  process.stdout.write(`${JSON.stringify({ event: 'exit', impl, messages, connections, protocol, ...(engine !== undefined ? { engine } : {}) })}\n`);
  process.exit(0);
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
