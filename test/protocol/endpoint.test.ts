import { describe, expect, it } from 'vitest';
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import { Endpoint, type EndpointEvent, type EndpointOptions } from '../../lib/protocol/endpoint.js';
import { SeededRandom } from '../../lib/protocol/seeded-random.js';
import { VirtualNetwork } from '../../lib/protocol/virtual-network.js';
import {
  AuthKind,
  buildHello,
  ed25519PublicKey,
  issueCertificate,
  x25519KeyPair,
  type Identity,
  type RandomFill,
} from '../../lib/protocol/handshake/index.js';
import { Flag, PacketType } from '../../lib/wire/constants.js';
import { decodePacket } from '../../lib/wire/decode.js';
import { encodePacket } from '../../lib/wire/encode.js';
import type { LinkConditions } from '../../lib/protocol/simulated-link.js';

const NOW = 1_700_000_000_000;
const SERVER = '10.0.0.1:4000';
const CLIENT = '10.0.0.2:5000';
const CLIENT2 = '[fd00::3]:5001';

function seeded(seed: number): RandomFill {
  const rng = new SeededRandom(seed);
  return (out) => {
    rng.fill(out);
  };
}

function bytesOf(random: RandomFill, n: number): Uint8Array {
  const out = new Uint8Array(n);
  random(out);
  return out;
}

interface Service {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

function makeService(seed: number): Service {
  const s = bytesOf(seeded(seed), 32);
  return { seed: s, publicKey: ed25519PublicKey(s) };
}

function makeIdentity(service: Service, seed: number, username = 'server-eu-1'): Identity {
  const privateSeed = bytesOf(seeded(seed), 32);
  const certificate = issueCertificate(service.seed, { accountId: 42n, username, publicKey: ed25519PublicKey(privateSeed), expiryMs: NOW + 3_600_000 });
  return { certificate, privateSeed };
}

let seedCounter = 100;
function endpoint(options: Partial<EndpointOptions> = {}): Endpoint {
  return new Endpoint({ random: seeded(seedCounter++), ...options });
}

function setup(opts: { server?: Partial<EndpointOptions>; client?: Partial<EndpointOptions>; link?: LinkConditions; seed?: number } = {}) {
  const net = new VirtualNetwork(opts.link ?? { latencyMs: 20 }, opts.seed ?? 7, NOW);
  const server = endpoint({ listen: true, ...opts.server });
  const client = endpoint(opts.client);
  net.add(SERVER, server);
  net.add(CLIENT, client);
  return { net, server, client };
}

function ofType<T extends EndpointEvent['type']>(events: EndpointEvent[], type: T): Extract<EndpointEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EndpointEvent, { type: T }> => e.type === type);
}

function code(e: { code: { major: number; minor: number } }): string {
  return `${e.code.major}.${e.code.minor}`;
}

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

/** Connects CLIENT to SERVER and returns both handles. */
function connect(net: VirtualNetwork, client: Endpoint, clientAddress = CLIENT) {
  const handle = client.connect(net.now, SERVER);
  net.flush();
  const ok = net.drive(
    () =>
      ofType(net.eventsOf(clientAddress), 'connected').some((e) => e.handle === handle) &&
      ofType(net.eventsOf(SERVER), 'connected').some((e) => e.address === clientAddress),
    net.now + 30_000,
  );
  expect(ok).toBe(true);
  const serverHandle = ofType(net.eventsOf(SERVER), 'connected').find((e) => e.address === clientAddress)!.handle;
  return { clientHandle: handle, serverHandle };
}

describe('Endpoint handshake failures', () => {
  it('times out (1.0) when the server is silent, retransmitting HELLO with a doubling RTO', () => {
    const net = new VirtualNetwork({}, 1, NOW);
    const client = endpoint();
    net.add(CLIENT, client);
    const handle = client.connect(net.now, SERVER);
    net.drive(() => ofType(net.eventsOf(CLIENT), 'handshake-failed').length > 0);
    const [failed] = ofType(net.eventsOf(CLIENT), 'handshake-failed');
    expect(failed).toMatchObject({ handle, address: SERVER });
    expect(code(failed!)).toBe('1.0');
    expect(net.now).toBe(NOW + 5000);
    // HELLOs at 0, 250, 750, then every 500 ms: RTO 250 doubling, capped at 500
    expect(net.blackholed.map((d) => d.bytes.length >= 1200)).toEqual(Array(11).fill(true));
    expect(client.connectingCount).toBe(0);
    expect(client.pollTimeout()).toBeUndefined();
  });

  it('wrong password: handshake-failed 1.3 on both sides', () => {
    const { net, client } = setup({ server: { password: 'correct horse' }, client: { password: 'wrong' } });
    client.connect(net.now, SERVER);
    net.drive(() => ofType(net.eventsOf(CLIENT), 'handshake-failed').length > 0 && ofType(net.eventsOf(SERVER), 'handshake-failed').length > 0);
    expect(code(ofType(net.eventsOf(CLIENT), 'handshake-failed')[0]!)).toBe('1.3');
    expect(code(ofType(net.eventsOf(SERVER), 'handshake-failed')[0]!)).toBe('1.3');
    expect(ofType(net.eventsOf(CLIENT), 'connected')).toHaveLength(0);
    expect(ofType(net.eventsOf(SERVER), 'connected')).toHaveLength(0);
  });

  it('a server certificate signed by another service key fails the client with 1.2', () => {
    const real = makeService(1);
    const rogue = makeService(2);
    const { net, client, server } = setup({
      server: { identity: makeIdentity(rogue, 3) },
      client: { servicePublicKey: real.publicKey },
    });
    client.connect(net.now, SERVER);
    net.drive(() => ofType(net.eventsOf(CLIENT), 'handshake-failed').length > 0 && server.pendingHandshakeCount === 0);
    expect(code(ofType(net.eventsOf(CLIENT), 'handshake-failed')[0]!)).toBe('1.2');
    expect(code(ofType(net.eventsOf(SERVER), 'handshake-failed')[0]!)).toBe('1.2');
    expect(server.connectionCount).toBe(0);
  });

  it('a valid certificate for the wrong account fails with 1.2; the right one connects', () => {
    const service = makeService(1);
    const bad = setup({
      server: { identity: makeIdentity(service, 3, 'server-us-9') },
      client: { servicePublicKey: service.publicKey, expectedServer: { username: 'server-eu-1' } },
    });
    bad.client.connect(bad.net.now, SERVER);
    bad.net.drive(() => ofType(bad.net.eventsOf(CLIENT), 'handshake-failed').length > 0);
    expect(code(ofType(bad.net.eventsOf(CLIENT), 'handshake-failed')[0]!)).toBe('1.2');

    const good = setup({
      server: { identity: makeIdentity(service, 3, 'server-eu-1') },
      client: { servicePublicKey: service.publicKey, expectedServer: { username: 'server-eu-1', accountId: 42n } },
    });
    connect(good.net, good.client);
  });

  it('expectedServer.certificate pins the exact certificate, not just the name', () => {
    const service = makeService(1);
    const pinned = makeIdentity(service, 3, 'lobby:7');
    const sameName = makeIdentity(service, 4, 'lobby:7');
    const bad = setup({
      server: { identity: sameName },
      client: { servicePublicKey: service.publicKey, expectedServer: { username: 'lobby:7', certificate: pinned.certificate } },
    });
    bad.client.connect(bad.net.now, SERVER);
    bad.net.drive(() => ofType(bad.net.eventsOf(CLIENT), 'handshake-failed').length > 0);
    expect(code(ofType(bad.net.eventsOf(CLIENT), 'handshake-failed')[0]!)).toBe('1.2');

    const good = setup({
      server: { identity: pinned },
      client: { servicePublicKey: service.publicKey, expectedServer: { username: 'lobby:7', certificate: pinned.certificate } },
    });
    connect(good.net, good.client);
  });

  it('admitClient refuses an account before any state is kept, and the admitted peer certificate is reported', () => {
    const service = makeService(1);
    const admitted: (string | undefined)[] = [];
    const admitClient = (c: { username: string } | undefined): boolean => {
      admitted.push(c?.username);
      return c?.username === 'alice';
    };
    const refused = setup({
      server: { servicePublicKey: service.publicKey, admitClient },
      client: { identity: makeIdentity(service, 5, 'mallory') },
    });
    refused.client.connect(refused.net.now, SERVER);
    refused.net.drive(() => ofType(refused.net.eventsOf(CLIENT), 'handshake-failed').length > 0);
    expect(code(ofType(refused.net.eventsOf(CLIENT), 'handshake-failed')[0]!)).toBe('1.2');
    expect(refused.server.pendingHandshakeCount).toBe(0);
    expect(refused.server.connectionCount).toBe(0);

    const ok = setup({
      server: { servicePublicKey: service.publicKey, admitClient },
      client: { identity: makeIdentity(service, 6, 'alice') },
    });
    connect(ok.net, ok.client);
    const connected = ofType(ok.net.eventsOf(SERVER), 'connected')[0]!;
    expect(connected.peerCertificate?.username).toBe('alice');
    expect(admitted).toEqual(['mallory', 'alice']);
  });

  it('a relay substituting both key shares makes both sides fail with 1.3 (password set)', () => {
    const net = new VirtualNetwork({ latencyMs: 10 }, 3, NOW);
    const RELAY = '10.0.0.66:4000';
    const server = endpoint({ listen: true, password: 'shared secret' });
    const client = endpoint({ password: 'shared secret' });
    const towardsServer = x25519KeyPair(seeded(500));
    const towardsClient = x25519KeyPair(seeded(501));
    const out: { to: string; bytes: Uint8Array }[] = [];
    // The client believes RELAY is the server; the relay talks to the server from its own
    // address (so the cookie round trip works) and swaps the key share in HELLO and SERVER HELLO.
    const relay = {
      handleDatagram(_now: number, from: string, bytes: Uint8Array) {
        let p = decodePacket(bytes);
        if (p.type === PacketType.AUTH && p.authKind === AuthKind.HELLO) p = { ...p, publicKey: towardsServer.publicKey };
        if (p.type === PacketType.AUTH && p.authKind === AuthKind.SERVER_HELLO) p = { ...p, publicKey: towardsClient.publicKey };
        out.push({ to: from === SERVER ? CLIENT : SERVER, bytes: encodePacket(p) });
      },
      handleTimeout() {},
      pollTimeout: () => undefined,
      pollTransmit: () => out.shift(),
      pollEvent: () => undefined,
    };
    net.add(SERVER, server);
    net.add(CLIENT, client);
    net.add(RELAY, relay);
    client.connect(net.now, RELAY);
    net.drive(() => ofType(net.eventsOf(CLIENT), 'handshake-failed').length > 0 && ofType(net.eventsOf(SERVER), 'handshake-failed').length > 0);
    expect(code(ofType(net.eventsOf(CLIENT), 'handshake-failed')[0]!)).toBe('1.3');
    expect(code(ofType(net.eventsOf(SERVER), 'handshake-failed')[0]!)).toBe('1.3');
    expect(ofType(net.eventsOf(SERVER), 'handshake-failed')[0]!.address).toBe(RELAY);
    expect(ofType(net.eventsOf(CLIENT), 'connected')).toHaveLength(0);
    expect(ofType(net.eventsOf(SERVER), 'connected')).toHaveLength(0);
  });

  it('a full server answers a validated HELLO with 1.1 NO SPACE, never larger than the HELLO', () => {
    const { net, server, client } = setup({ server: { maxConnections: 1 } });
    connect(net, client);
    const second = endpoint();
    net.add(CLIENT2, second);
    const sizes: number[] = [];
    const base = net.filter;
    net.filter = (from, to, bytes, now) => {
      if (from === SERVER && to === CLIENT2) sizes.push(bytes.length);
      if (from === CLIENT2) sizes.push(-bytes.length);
      return base(from, to, bytes, now);
    };
    const handle = second.connect(net.now, SERVER);
    net.drive(() => ofType(net.eventsOf(CLIENT2), 'handshake-failed').length > 0);
    const failed = ofType(net.eventsOf(CLIENT2), 'handshake-failed')[0]!;
    expect(failed.handle).toBe(handle);
    expect(code(failed)).toBe('1.1');
    expect(server.stats.rejectedFull).toBe(1);
    expect(server.stats.retriesSent).toBeGreaterThanOrEqual(1); // the cookie was verified first
    expect(server.connectionCount).toBe(1);
    const hello = Math.min(...sizes.filter((s) => s < 0).map((s) => -s));
    for (const s of sizes.filter((s) => s > 0)) expect(s).toBeLessThanOrEqual(hello);
  });

  it('a spoofed HELLO flood from 1000 addresses leaves no state and no amplification; a real client still connects', () => {
    const { net, server, client } = setup();
    const random = seeded(9);
    let maxReply = 0;
    let replies = 0;
    for (let i = 0; i < 1000; i++) {
      const forgedCookie = i % 2 === 0 ? new Uint8Array(0) : bytesOf(random, 24);
      const hello = encodePacket(
        buildHello(
          { publicKey: x25519KeyPair(random).publicKey, certificate: new Uint8Array(0), clientRandom: bytesOf(random, 32), aeadOffer: 3, cookie: forgedCookie },
          { sequence: 0 },
        ),
      );
      const from = `172.16.${i >> 8}.${i & 0xff}:${10_000 + i}`;
      server.handleDatagram(net.now, from, hello);
      for (let t = server.pollTransmit(net.now); t !== undefined; t = server.pollTransmit(net.now)) {
        replies++;
        expect(t.to).toBe(from);
        expect(t.bytes.length).toBeLessThanOrEqual(hello.length);
        expect(decodePacket(t.bytes)).toMatchObject({ type: PacketType.AUTH, authKind: AuthKind.RETRY });
        maxReply = Math.max(maxReply, t.bytes.length);
      }
      expect(server.pendingHandshakeCount).toBe(0);
    }
    // short and malformed HELLOs get nothing at all
    const short = encodePacket(
      buildHello({ publicKey: x25519KeyPair(random).publicKey, certificate: new Uint8Array(0), clientRandom: bytesOf(random, 32), aeadOffer: 3, cookie: new Uint8Array(0) }, { sequence: 0 }, 600),
    );
    server.handleDatagram(net.now, '172.31.0.1:1', short);
    server.handleDatagram(net.now, '172.31.0.1:1', Uint8Array.of(0x12, 0, 0));
    expect(server.pollTransmit(net.now)).toBeUndefined();
    expect(replies).toBe(1000);
    expect(maxReply).toBeLessThanOrEqual(36);
    expect(server.stats.retriesSent).toBe(1000);
    expect(server.stats.cookiesInvalid).toBe(500);
    expect(server.stats.malformed).toBe(2);
    expect(server.stats.handshakesStarted).toBe(0);
    expect(server.pendingHandshakeCount).toBe(0);
    expect(server.connectionCount).toBe(0);
    expect(server.trackedAddressCount).toBe(0);
    connect(net, client);
    expect(server.connectionCount).toBe(1);
  });

  it('a client asking for the unencrypted mode is refused (1.0) by a server that did not opt in', () => {
    const { net, client } = setup({ client: { unencrypted: true } });
    client.connect(net.now, SERVER);
    net.drive(() => ofType(net.eventsOf(CLIENT), 'handshake-failed').length > 0);
    expect(code(ofType(net.eventsOf(CLIENT), 'handshake-failed')[0]!)).toBe('1.0');
    expect(code(ofType(net.eventsOf(SERVER), 'handshake-failed')[0]!)).toBe('1.0');
  });
});

describe('Endpoint connections', () => {
  it('completes the handshake and carries messages both ways', () => {
    const { net, server, client } = setup();
    const { clientHandle, serverHandle } = connect(net, client);
    expect(ofType(net.eventsOf(CLIENT), 'connected')[0]).toMatchObject({ address: SERVER, role: 'client' });
    expect(ofType(net.eventsOf(SERVER), 'connected')[0]).toMatchObject({ address: CLIENT, role: 'server' });
    client.send(clientHandle, text('ping from client'), ChannelKind.RELIABLE_ORDERED, 1);
    server.send(serverHandle, text('pong from server'), ChannelKind.RELIABLE_UNORDERED, 2);
    net.drive(() => ofType(net.eventsOf(SERVER), 'message').length > 0 && ofType(net.eventsOf(CLIENT), 'message').length > 0);
    expect(ofType(net.eventsOf(SERVER), 'message')[0]).toMatchObject({ handle: serverHandle, kind: ChannelKind.RELIABLE_ORDERED, channel: 1 });
    expect(str(ofType(net.eventsOf(SERVER), 'message')[0]!.data)).toBe('ping from client');
    expect(ofType(net.eventsOf(CLIENT), 'message')[0]).toMatchObject({ handle: clientHandle, kind: ChannelKind.RELIABLE_UNORDERED, channel: 2 });
    expect(str(ofType(net.eventsOf(CLIENT), 'message')[0]!.data)).toBe('pong from server');
    expect(server.stats).toMatchObject({ handshakesStarted: 1, handshakesCompleted: 1, retriesSent: 1, cookiesInvalid: 0 });
    expect(client.stats).toMatchObject({ handshakesStarted: 1, handshakesCompleted: 1 });
    expect(client.connectionStats(clientHandle)!.decryptFailed).toBe(0);
  });

  it('negotiates AES-256-GCM when it is the only algorithm offered, and uses certificates both ways', () => {
    const service = makeService(5);
    const { net, server, client } = setup({
      server: { identity: makeIdentity(service, 6), servicePublicKey: service.publicKey, requireClientCertificate: true },
      client: { identity: makeIdentity(service, 7, 'player-1'), servicePublicKey: service.publicKey, aeadPreference: [1] },
    });
    const { clientHandle } = connect(net, client);
    client.send(clientHandle, text('gcm'), ChannelKind.RELIABLE_ORDERED);
    net.drive(() => ofType(net.eventsOf(SERVER), 'message').length > 0);
    expect(str(ofType(net.eventsOf(SERVER), 'message')[0]!.data)).toBe('gcm');
    expect(server.connectionCount).toBe(1);
  });

  it('a server requiring client certificates refuses an anonymous client (1.2)', () => {
    const service = makeService(5);
    const { net, client } = setup({ server: { servicePublicKey: service.publicKey, requireClientCertificate: true } });
    client.connect(net.now, SERVER);
    net.drive(() => ofType(net.eventsOf(CLIENT), 'handshake-failed').length > 0);
    expect(code(ofType(net.eventsOf(CLIENT), 'handshake-failed')[0]!)).toBe('1.2');
  });

  it('completes at 30% loss in both directions and delivers reliable messages', () => {
    for (const seed of [11, 12, 13, 14, 15]) {
      const { net, server, client } = setup({ link: { latencyMs: 25, jitterMs: 10, loss: 0.3 }, seed });
      const { clientHandle, serverHandle } = connect(net, client);
      for (let i = 0; i < 20; i++) {
        client.send(clientHandle, text(`c${i}`), ChannelKind.RELIABLE_ORDERED);
        server.send(serverHandle, text(`s${i}`), ChannelKind.RELIABLE_ORDERED);
      }
      const ok = net.drive(() => ofType(net.eventsOf(SERVER), 'message').length === 20 && ofType(net.eventsOf(CLIENT), 'message').length === 20);
      expect(ok).toBe(true);
      expect(ofType(net.eventsOf(SERVER), 'message').map((m) => str(m.data))).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`));
      expect(ofType(net.eventsOf(CLIENT), 'message').map((m) => str(m.data))).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
      expect(server.stats.handshakesCompleted).toBe(1);
    }
  });

  it('a lost client Finished is replaced by the first sealed datagram (implicit confirmation)', () => {
    const { net, server, client } = setup();
    let dropped = 0;
    net.filter = (from, _to, bytes) => {
      const isFinished = from === CLIENT && (bytes[0]! & 0x0f) === PacketType.ACK && (bytes[1]! & Flag.ENCRYPTED) === 0;
      if (isFinished) dropped++;
      return !isFinished;
    };
    const handle = client.connect(net.now, SERVER);
    net.drive(() => ofType(net.eventsOf(CLIENT), 'connected').length > 0);
    client.send(handle, text('first'), ChannelKind.RELIABLE_ORDERED);
    net.drive(() => ofType(net.eventsOf(SERVER), 'message').length > 0);
    expect(ofType(net.eventsOf(SERVER), 'connected')).toHaveLength(1);
    expect(str(ofType(net.eventsOf(SERVER), 'message')[0]!.data)).toBe('first');
    expect(server.stats.implicitConfirmations).toBe(1);
    expect(dropped).toBeGreaterThanOrEqual(1);
  });

  it('repeats the same SERVER HELLO flight for a retransmitted HELLO', () => {
    const { net, server, client } = setup();
    // drop the server's first SERVER HELLO flight so the client retransmits its HELLO
    const flights: Uint8Array[] = [];
    let dropFirstFlight = true;
    net.filter = (from, _to, bytes) => {
      if (from !== SERVER || (bytes[1]! & Flag.ENCRYPTED) !== 0) return true;
      const p = decodePacket(bytes);
      if (p.type === PacketType.AUTH && p.authKind === AuthKind.RETRY) return true;
      flights.push(bytes);
      if (dropFirstFlight && flights.length === 2) dropFirstFlight = false;
      return flights.length > 2;
    };
    connect(net, client);
    expect(server.stats.repliesRepeated).toBeGreaterThanOrEqual(1);
    expect(flights.length).toBeGreaterThanOrEqual(4);
    expect(flights[2]).toEqual(flights[0]);
    expect(flights[3]).toEqual(flights[1]);
    expect(server.stats.handshakesStarted).toBe(1);
  });

  it('client disconnect (2.2) reaches the server as a disconnect event; both sides forget the connection', () => {
    const { net, server, client } = setup();
    const { clientHandle, serverHandle } = connect(net, client);
    client.disconnect(net.now, clientHandle, 'bye');
    net.drive(() => client.connectionCount === 0 && server.connectionCount === 0);
    const atServer = ofType(net.eventsOf(SERVER), 'disconnect');
    expect(atServer).toHaveLength(1);
    expect(atServer[0]).toMatchObject({ handle: serverHandle, reason: 'peer', detail: 'bye' });
    expect(code(atServer[0]!)).toBe('2.2');
    expect(ofType(net.eventsOf(CLIENT), 'disconnect')[0]).toMatchObject({ handle: clientHandle, reason: 'local' });
  });

  it('server shutdown (2.1) reaches every client; the server waits for the acknowledgements', () => {
    const { net, server, client } = setup();
    const second = endpoint();
    net.add(CLIENT2, second);
    const a = connect(net, client);
    const b = connect(net, second, CLIENT2);
    expect(server.connectionCount).toBe(2);
    server.close(net.now);
    net.drive(() => server.connectionCount === 0 && client.connectionCount === 0 && second.connectionCount === 0);
    for (const [address, handle] of [
      [CLIENT, a.clientHandle],
      [CLIENT2, b.clientHandle],
    ] as const) {
      const d = ofType(net.eventsOf(address), 'disconnect');
      expect(d).toHaveLength(1);
      expect(d[0]).toMatchObject({ handle, reason: 'peer' });
      expect(code(d[0]!)).toBe('2.1');
    }
    const atServer = ofType(net.eventsOf(SERVER), 'disconnect');
    expect(atServer.map((d) => d.reason)).toEqual(['local', 'local']);
    // a closed server accepts no new handshakes
    const late = endpoint();
    net.add('10.0.0.9:1', late);
    late.connect(net.now, SERVER);
    net.drive(() => ofType(net.eventsOf('10.0.0.9:1'), 'handshake-failed').length > 0);
    expect(server.stats.retriesSent).toBe(2);
  });

  it('limits new handshakes per validated address per second (excess dropped silently, counted)', () => {
    const { net, server, client } = setup({ server: { handshakesPerAddressPerSecond: 1 } });
    const first = connect(net, client);
    const startedAt = net.now;
    client.disconnect(net.now, first.clientHandle);
    net.drive(() => client.connectionCount === 0 && server.connectionCount === 0);
    const again = client.connect(net.now, SERVER);
    net.drive(() => ofType(net.eventsOf(CLIENT), 'connected').some((e) => e.handle === again) && ofType(net.eventsOf(SERVER), 'connected').length === 2);
    expect(server.stats.rateLimited).toBeGreaterThanOrEqual(1);
    expect(server.stats.handshakesCompleted).toBe(2);
    // the second handshake was let through only once a new one-second window began
    expect(net.now - startedAt).toBeGreaterThanOrEqual(1000 - 200);
  });

  it('a client whose Finished the server refuses is told (1.3) and drops the connection', () => {
    const { net, server, client } = setup();
    net.filter = (from, to, bytes, now) => {
      const p = (bytes[1]! & Flag.ENCRYPTED) === 0 ? decodePacket(bytes) : undefined;
      if (from === CLIENT && p?.type === PacketType.ACK && p.data.length > 0) {
        const data = p.data.slice();
        data[0] = data[0]! ^ 1;
        net.link(from, to).send(now, encodePacket({ ...p, data }));
        return false;
      }
      // hold back the client's sealed datagrams so the tampered Finished is checked first
      return !(from === CLIENT && p === undefined);
    };
    const handle = client.connect(net.now, SERVER);
    net.drive(() => ofType(net.eventsOf(CLIENT), 'disconnect').length > 0);
    expect(ofType(net.eventsOf(CLIENT), 'connected')[0]!.handle).toBe(handle);
    const d = ofType(net.eventsOf(CLIENT), 'disconnect')[0]!;
    expect(d).toMatchObject({ handle, reason: 'protocol-error' });
    expect(code(d)).toBe('1.3');
    expect(code(ofType(net.eventsOf(SERVER), 'handshake-failed')[0]!)).toBe('1.3');
    expect(client.connectionCount).toBe(0);
    expect(server.connectionCount).toBe(0);
  });

  it('unencrypted LAN mode when both sides opt in: checksummed, not sealed', () => {
    const { net, server, client } = setup({ server: { unencrypted: true }, client: { unencrypted: true } });
    let sealed = 0;
    let checksummed = 0;
    net.filter = (_from, _to, bytes) => {
      if (bytes[1]! & Flag.ENCRYPTED) sealed++;
      if (bytes[1]! & Flag.CHECKSUM) checksummed++;
      return true;
    };
    const { clientHandle, serverHandle } = connect(net, client);
    client.send(clientHandle, text('lan'), ChannelKind.RELIABLE_ORDERED);
    server.send(serverHandle, text('lan back'), ChannelKind.RELIABLE_ORDERED);
    net.drive(() => ofType(net.eventsOf(SERVER), 'message').length > 0 && ofType(net.eventsOf(CLIENT), 'message').length > 0);
    expect(str(ofType(net.eventsOf(SERVER), 'message')[0]!.data)).toBe('lan');
    expect(str(ofType(net.eventsOf(CLIENT), 'message')[0]!.data)).toBe('lan back');
    expect(sealed).toBe(0);
    expect(checksummed).toBeGreaterThan(4);
  });

  it('a server that opted into the unencrypted mode still encrypts for a client that did not', () => {
    const { net, client } = setup({ server: { unencrypted: true } });
    let sealed = 0;
    net.filter = (_from, _to, bytes) => {
      if (bytes[1]! & Flag.ENCRYPTED) sealed++;
      return true;
    };
    const { clientHandle } = connect(net, client);
    client.send(clientHandle, text('x'), ChannelKind.RELIABLE_ORDERED);
    net.drive(() => ofType(net.eventsOf(SERVER), 'message').length > 0);
    expect(sealed).toBeGreaterThan(0);
  });
});
