/**
 * node-dgram: the raw node:dgram echo server of `npm run bench:net`, i.e. what plain Node costs
 * with no protocol at all: the ceiling for any transport built on node:dgram, paperclip-net's
 * included. One socket; every datagram goes straight back to its source in the Buffer it arrived
 * in (no copy, no parsing). Socket buffers ask for the same 4 MiB as the C servers (the kernel caps
 * them at net.core.rmem_max / wmem_max; Node has no *_FORCE option).
 *
 * Usage: node dist/bench/net/dgram-echo.js [--host 127.0.0.1] [--port 0]
 * Prints {"event":"ready","impl":"node-dgram","port":P,...}; on SIGTERM/SIGINT prints
 * {"event":"exit",...counters} and exits 0.
 */
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { parseArgs } from 'node:util';

const BUFFER_BYTES = 4 << 20;

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`dgram-echo: --port must be 0..65535, not "${values.port}"\n`);
  process.exit(2);
}

const socket = createSocket({
  type: isIPv6(values.host) ? 'udp6' : 'udp4',
  recvBufferSize: BUFFER_BYTES,
  sendBufferSize: BUFFER_BYTES,
});
let rx = 0;
let sendErrors = 0;
let ready = false;

socket.on('message', (msg, rinfo) => {
  rx++;
  // No callback: Node then reports a failed send as an 'error' event, counted below.
  socket.send(msg, rinfo.port, rinfo.address);
});
socket.on('error', (err) => {
  if (!ready) {
    process.stderr.write(`dgram-echo: ${err.message}\n`);
    process.exit(1);
  }
  sendErrors++;
});
socket.bind(port, values.host, () => {
  ready = true;
  const line = {
    event: 'ready',
    impl: 'node-dgram',
    port: socket.address().port,
    rcvbuf: socket.getRecvBufferSize(),
    sndbuf: socket.getSendBufferSize(),
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
});

function stop(): void {
  // stdout is a pipe here, and pipe writes are synchronous on Linux: the line is out before exit.
  process.stdout.write(`${JSON.stringify({ event: 'exit', impl: 'node-dgram', rx, send_errors: sendErrors })}\n`);
  socket.close(() => process.exit(0));
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
