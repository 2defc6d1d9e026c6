/**
 * The real-network soak's sending side, run as its own process (inside network namespace B, or
 * on loopback through the lossy proxy): connects, sends N messages on 'reliable' interleaved
 * with M on 'reliable-unordered', never more than `window` ahead of the server's progress
 * reports (so memory stays bounded however large N is), and stops when the server reports
 * everything delivered (see real-soak.ts).
 *
 *   node dist/bench/real-soak-client.js --host H --port P --messages N --unordered M --seed S [--window W]
 */
import { parseArgs } from 'node:util';
import { connect, HandshakeFailedError, type Client } from '../lib/transport/client.js';
import { dataMessage, emit, payloadBytes, readProgress, snapshot, Stream, type Progress } from './real-soak-messages.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    messages: { type: 'string' },
    unordered: { type: 'string' },
    seed: { type: 'string', default: '1' },
    window: { type: 'string', default: '2048' },
  },
});
const host = values.host ?? '127.0.0.1';
const port = Number(values.port);
const total = { reliable: Number(values.messages), unordered: Number(values.unordered) };
const seed = Number(values.seed);
const window = Number(values.window);

process.stdin.on('end', () => process.exit(4));
process.stdin.resume();

/** Retries a failed handshake, as a game client would: under 20 % loss one can time out. */
async function connectWithRetry(): Promise<{ client: Client; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const client = await connect(host, port, { handshakeTimeoutMs: 20_000, connection: { idleTimeoutMs: 30_000 } });
    try {
      await client.connected;
      return { client, attempts: attempt };
    } catch (err) {
      if (!(err instanceof HandshakeFailedError) || attempt === 3) throw err;
      await client.close();
    }
  }
}

const startedConnecting = performance.now();
const { client, attempts } = await connectWithRetry();
const started = performance.now();
emit({ event: 'connected', handshake_ms: Math.round(started - startedConnecting), attempts });

const sent = { reliable: 0, unordered: 0 };
let confirmed: Progress = { reliable: 0, unordered: 0 };
let payload = 0;
let finished = false;

/** Tops the window up; 'reliable-unordered' messages are spread evenly among the ordered ones. */
function pump(): void {
  while (sent.reliable + sent.unordered - confirmed.reliable - confirmed.unordered < window) {
    const reliableDone = sent.reliable >= total.reliable;
    const unorderedDue = sent.unordered < total.unordered && (reliableDone || sent.unordered * total.reliable < sent.reliable * total.unordered);
    if (reliableDone && !unorderedDue) return;
    const stream = unorderedDue ? Stream.UNORDERED : Stream.RELIABLE;
    const data = dataMessage(seed, stream, stream === Stream.RELIABLE ? sent.reliable++ : sent.unordered++);
    payload += payloadBytes(data);
    client.send(data, { delivery: stream === Stream.RELIABLE ? 'reliable' : 'reliable-unordered' });
  }
}

const heartbeat = setInterval(() => emit({ event: 'progress', ...confirmed, elapsed_ms: Math.round(performance.now() - started) }), 5000);

client.on('message', (data) => {
  const p = readProgress(data);
  if (p === undefined || finished) return;
  // a 'sequenced' report may be overtaken by the final 'reliable' one; never step backwards
  if (p.reliable + p.unordered <= confirmed.reliable + confirmed.unordered) return;
  confirmed = p;
  if (p.reliable >= total.reliable && p.unordered >= total.unordered) {
    finished = true;
    clearInterval(heartbeat);
    emit({ event: 'client-result', result: { elapsed_ms: performance.now() - started, payload_bytes: payload, stats: snapshot(client.stats) } });
    void client.close().then(() => process.exit(0));
    return;
  }
  pump();
});

client.on('disconnect', (info) => {
  if (finished) return;
  process.stderr.write(`real-soak client: disconnected before the end: ${info.reason} ${info.detail}\n`);
  process.exit(1);
});

pump();
