/**
 * Attack family 1: a HELLO flood from thousands of spoofed source addresses (PROTOCOL.md §7.1.2,
 * §7.5). Before a cookie verifies the server keeps no per-address state and never answers with
 * more bytes than it received; a real client connecting during the flood is not slowed down.
 * The 1,000-address unit version lives in test/protocol/endpoint.test.ts; this one is bigger, is
 * interleaved in time with a real handshake, measures bytes in/out, and has a real-UDP variant.
 */
import { createSocket, type Socket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { AuthKind, buildHello } from '../../lib/protocol/handshake/index.js';
import { createServer } from '../../lib/transport/server.js';
import { connect as udpConnect } from '../../lib/transport/client.js';
import { PacketType } from '../../lib/wire/constants.js';
import { decodePacket } from '../../lib/wire/decode.js';
import { encodePacket } from '../../lib/wire/encode.js';
import { SERVER, bytesOf, connect, seeded, setup } from './fixtures.js';

const FLOOD = 5000;

/** A valid-looking 1,200-byte HELLO; every other one carries a forged 24-byte cookie. */
function forgedHellos(n: number, seed: number): Uint8Array[] {
  const random = seeded(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const cookie = i % 2 === 0 ? new Uint8Array(0) : bytesOf(random, 24);
    out.push(encodePacket(buildHello({ publicKey: bytesOf(random, 32), certificate: new Uint8Array(0), clientRandom: bytesOf(random, 32), aeadOffer: 3, cookie }, { sequence: 0 })));
  }
  return out;
}

const spoofed = (i: number) => `172.${16 + (i >> 16)}.${(i >> 8) & 0xff}.${i & 0xff}:${1024 + (i % 60_000)}`;

describe('handshake flood from spoofed addresses (virtual time)', () => {
  it(`${FLOOD} HELLOs interleaved with a real handshake: no state, replies ≤ cause, bytes out = 3% of bytes in, client on time`, () => {
    // the undisturbed handshake time on the same link, as the reference
    const baseline = setup();
    const reference = connect(baseline.net, baseline.client).elapsedMs;
    expect(reference).toBeGreaterThan(0);

    const { net, server, client } = setup();
    const hellos = forgedHellos(FLOOD, 9);
    const sentTo = new Map<string, number>();
    let bytesIn = 0;
    let next = 0;
    let maxTracked = 0;
    let maxPending = 0;
    const inject = (n: number) => {
      for (const end = Math.min(FLOOD, next + n); next < end; next++) {
        const hello = hellos[next] as Uint8Array;
        sentTo.set(spoofed(next), hello.length);
        bytesIn += hello.length;
        server.handleDatagram(net.now, spoofed(next), hello);
      }
      maxTracked = Math.max(maxTracked, server.trackedAddressCount);
      maxPending = Math.max(maxPending, server.pendingHandshakeCount);
    };
    // 1,000 before the client starts: nothing may be kept for any of them
    inject(1000);
    expect(server.trackedAddressCount).toBe(0);
    expect(server.pendingHandshakeCount).toBe(0);

    const clientHandle = client.connect(net.now, SERVER);
    const started = net.now;
    let connectedAt = -1;
    // then 10 spoofed HELLOs per virtual ms while the handshake runs (400 ms of flood)
    while (next < FLOOD || connectedAt < 0) {
      inject(10);
      net.runUntil(net.now + 1);
      if (connectedAt < 0 && net.eventsOf('10.0.0.2:5000').some((e) => e.type === 'connected' && e.handle === clientHandle)) connectedAt = net.now;
      expect(net.now - started).toBeLessThan(5000);
    }
    net.runUntil(net.now + 100);

    // replies to spoofed addresses: all blackholed RETRYs, each no larger than its cause
    const replies = net.blackholed.filter((d) => d.from === SERVER);
    let bytesOut = 0;
    for (const r of replies) {
      const cause = sentTo.get(r.to);
      expect(cause).toBeDefined();
      expect(r.bytes.length).toBeLessThanOrEqual(cause as number);
      expect(decodePacket(r.bytes)).toMatchObject({ type: PacketType.AUTH, authKind: AuthKind.RETRY });
      bytesOut += r.bytes.length;
    }
    expect(replies).toHaveLength(FLOOD);
    expect(bytesIn).toBe(FLOOD * 1200);
    expect(bytesOut).toBe(FLOOD * 36); // each a 36-byte RETRY (32 + CHECKSUM)
    expect(bytesOut / bytesIn).toBe(0.03);
    // the only address ever tracked is the real client's (after its cookie verified)
    expect(maxTracked).toBeLessThanOrEqual(1);
    expect(maxPending).toBeLessThanOrEqual(1);
    expect(server.stats).toMatchObject({ retriesSent: FLOOD + 1, cookiesInvalid: FLOOD / 2, handshakesStarted: 1, handshakesCompleted: 1, rateLimited: 0, rejectedFull: 0 });
    expect(server.connectionCount).toBe(1);
    // the flood does not cost the real client a single virtual ms
    expect(connectedAt - started).toBe(reference);
  });
});

async function bindMany(n: number): Promise<Socket[]> {
  return Promise.all(
    Array.from({ length: n }, () => new Promise<Socket>((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => resolve(s));
    })),
  );
}

describe('handshake flood over real UDP on loopback', () => {
  it('2,000 distinct source ports: every HELLO answered by one ≤36-byte RETRY, no state, a real client connects meanwhile', async () => {
    const SOURCES = 2000;
    const BATCH = 250;
    const server = await createServer({ host: '127.0.0.1' });
    const { port } = server.address;
    const hellos = forgedHellos(SOURCES, 21);
    let bytesIn = 0;
    let bytesOut = 0;
    let replies = 0;
    let maxReply = 0;
    let maxTracked = 0;
    let clientMs = -1;
    try {
      let clientPromise: Promise<void> | undefined;
      for (let base = 0; base < SOURCES; base += BATCH) {
        const sockets = await bindMany(BATCH);
        const answered = new Set<number>();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 3000);
          sockets.forEach((s, i) => {
            s.on('message', (msg) => {
              replies++;
              bytesOut += msg.length;
              maxReply = Math.max(maxReply, msg.length);
              expect(decodePacket(new Uint8Array(msg))).toMatchObject({ type: PacketType.AUTH, authKind: AuthKind.RETRY });
              answered.add(i);
              if (answered.size === BATCH) {
                clearTimeout(timer);
                resolve();
              }
            });
          });
          // paced in bursts of 25 (30 KB) so the kernel's default 208 KiB receive buffer of the
          // server socket does not overflow: the test measures the protocol, not the kernel
          void (async () => {
            for (let i = 0; i < BATCH; i++) {
              const hello = hellos[base + i] as Uint8Array;
              bytesIn += hello.length;
              (sockets[i] as Socket).send(hello, port, '127.0.0.1');
              if (i % 25 === 24) await new Promise((r) => setTimeout(r, 2));
            }
          })();
          // the real client starts in the middle of the flood
          if (base === SOURCES / 2) {
            const t0 = performance.now();
            clientPromise = udpConnect('127.0.0.1', port).then(async (c) => {
              await c.connected;
              clientMs = performance.now() - t0;
              await c.close();
            });
          }
        });
        maxTracked = Math.max(maxTracked, server.endpoint.trackedAddressCount);
        await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
      }
      await clientPromise;
      expect(bytesIn).toBe(SOURCES * 1200);
      // Real sockets on a loaded machine may lose the odd datagram in the kernel (either way);
      // what must hold is one small RETRY per HELLO the server got, and nothing more.
      const retriesToFlood = server.endpoint.stats.retriesSent - 1; // one was the real client's
      expect(retriesToFlood).toBeLessThanOrEqual(SOURCES);
      expect(retriesToFlood).toBeGreaterThanOrEqual(SOURCES * 0.98);
      expect(replies).toBeLessThanOrEqual(retriesToFlood);
      expect(replies).toBeGreaterThanOrEqual(SOURCES * 0.98);
      expect(maxReply).toBeLessThanOrEqual(36);
      expect(bytesOut).toBeLessThanOrEqual(replies * 36);
      expect(server.endpoint.stats.handshakesStarted).toBe(1);
      expect(maxTracked).toBeLessThanOrEqual(1); // only the real client, once validated
      expect(server.endpoint.pendingHandshakeCount).toBe(0);
      // loopback: two round trips; generous bound for a loaded CI machine, far below the 5 s handshake timeout
      expect(clientMs).toBeGreaterThan(0);
      expect(clientMs).toBeLessThan(1000);
    } finally {
      await server.close();
    }
  });
});
