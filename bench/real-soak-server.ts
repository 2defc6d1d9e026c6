/**
 * The real-network soak's receiving side, run as its own process (inside network namespace A,
 * or on loopback behind the lossy proxy): accepts one client, checks every message, reports
 * progress back to it, and prints its ledger once everything arrived (see real-soak.ts).
 *
 *   node dist/bench/real-soak-server.js --host H --messages N --unordered M --seed S
 */
import { parseArgs } from 'node:util';
import { createServer, type Peer } from '../lib/transport/server.js';
import { checkMessage, emit, payloadBytes, progressMessage, readProgress, snapshot, Stream, type EngineDrops } from './real-soak-messages.js';
import { StreamTracker } from './real-soak-tracker.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    messages: { type: 'string' },
    unordered: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});
const seed = Number(values.seed);
const reliable = new StreamTracker(Number(values.messages), true);
const unordered = new StreamTracker(Number(values.unordered), false);
let unattributedCorrupt = 0;
let payload = 0;
let reported = false;

// The orchestrator holds our stdin open; when it dies (even by SIGKILL) this ends, and so do we,
// so no soak process outlives its run.
process.stdin.on('end', () => process.exit(4));
process.stdin.resume();

const server = await createServer({
  host: values.host,
  port: Number(values.port),
  // 20 % loss each way fails a 5 s handshake about 2 % of the time; the soak tests data, not that
  handshakeTimeoutMs: 20_000,
  // generous, so a CPU-starved moment on a shared 2-vCPU machine is not mistaken for a dead peer
  connection: { idleTimeoutMs: 30_000 },
});
emit({ event: 'listening', port: server.address.port });

let peer: Peer | undefined;
const progress = (): Uint8Array => progressMessage({ reliable: reliable.distinct, unordered: unordered.distinct });
// Progress rides 'sequenced' (a newer report supersedes a lost one) every 20 ms; the final one
// is also sent 'reliable', so the client's "all delivered" cannot be lost.
const ticker = setInterval(() => peer?.send(progress(), { delivery: 'sequenced' }), 20);

server.on('connection', (p) => {
  peer = p;
});

server.on('message', (p, data, info) => {
  if (readProgress(data) !== undefined) return;
  const checked = checkMessage(seed, data);
  if (checked.ok) {
    payload += payloadBytes(data);
    const tracker = checked.stream === Stream.RELIABLE ? reliable : unordered;
    // a message on the wrong kind of channel is as wrong as a damaged one
    const expectedDelivery = checked.stream === Stream.RELIABLE ? 'reliable' : 'reliable-unordered';
    if (info.delivery === expectedDelivery) tracker.intact(checked.sequence);
    else tracker.damaged();
  } else if (checked.stream === undefined) {
    unattributedCorrupt++;
  } else {
    (checked.stream === Stream.RELIABLE ? reliable : unordered).damaged();
  }
  if (!reported && reliable.complete && unordered.complete) {
    reported = true;
    p.send(progress(), { delivery: 'reliable' });
    emit({
      event: 'server-result',
      result: {
        reliable: reliable.result(), reliable_unordered: unordered.result(), payload_bytes: payload, unattributed_corrupt: unattributedCorrupt, stats: snapshot(p.stats),
        ...engineDrops(),
      },
    });
  }
});

function engineDrops(): { engine?: EngineDrops } {
  const e = server.ioStats;
  return e === undefined ? {} : { engine: { forged: e.forged, replayed: e.replayed, duplicates: e.duplicates, malformed: e.malformed } };
}

server.on('disconnect', () => {
  clearInterval(ticker);
  peer = undefined;
  if (!reported) {
    // the ledger is still worth having: it says what was missing
    emit({
      event: 'server-result',
      result: { reliable: reliable.result(), reliable_unordered: unordered.result(), payload_bytes: payload, unattributed_corrupt: unattributedCorrupt, stats: undefined },
    });
  }
  void server.close().then(() => process.exit(0));
});
