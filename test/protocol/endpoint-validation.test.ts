import { describe, expect, it } from 'vitest';
import { Endpoint, type EndpointEvent, type EndpointOptions } from '../../lib/protocol/endpoint.js';
import { SeededRandom } from '../../lib/protocol/seeded-random.js';
import { VirtualNetwork } from '../../lib/protocol/virtual-network.js';
import { ed25519PublicKey, issueCertificate, parseCertificate, type Identity, type RandomFill } from '../../lib/protocol/handshake/index.js';
import { PacketType } from '../../lib/wire/constants.js';
import { decodePacket } from '../../lib/wire/decode.js';

const NOW = 1_700_000_000_000;
const SERVER = '10.0.0.1:4000';
const CLIENT = '10.0.0.2:5000';

function seeded(seed: number): RandomFill {
  const rng = new SeededRandom(seed);
  return (out) => {
    rng.fill(out);
  };
}

function bytesOf(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  seeded(seed)(out);
  return out;
}

const serviceSeed = bytesOf(1, 32);
const servicePublicKey = ed25519PublicKey(serviceSeed);

function serverIdentity(): Identity {
  const privateSeed = bytesOf(2, 32);
  const certificate = issueCertificate(serviceSeed, { accountId: 42n, username: 'server-eu-1', publicKey: ed25519PublicKey(privateSeed), expiryMs: NOW + 3_600_000 });
  return { certificate, privateSeed };
}

function ofType<T extends EndpointEvent['type']>(events: EndpointEvent[], type: T): Extract<EndpointEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EndpointEvent, { type: T }> => e.type === type);
}

const code = (e: { code: { major: number; minor: number } }): string => `${e.code.major}.${e.code.minor}`;

function setup(client: Partial<EndpointOptions> = {}) {
  const identity = serverIdentity();
  const net = new VirtualNetwork({ latencyMs: 20 }, 7, NOW);
  const server = new Endpoint({ random: seeded(10), listen: true, identity });
  const clientEndpoint = new Endpoint({
    random: seeded(11),
    servicePublicKey,
    expectedServer: { username: 'server-eu-1' },
    validateCertificatesOnline: true,
    handshakeTimeoutMs: 2000,
    ...client,
  });
  net.add(SERVER, server);
  net.add(CLIENT, clientEndpoint);
  const sent: { from: string; to: string; bytes: Uint8Array }[] = [];
  net.filter = (from, to, bytes) => {
    sent.push({ from, to, bytes });
    return true;
  };
  const handle = clientEndpoint.connect(net.now, SERVER);
  net.flush();
  const asked = net.drive(() => ofType(net.eventsOf(CLIENT), 'validate-certificate').length > 0);
  expect(asked).toBe(true);
  return { net, server, client: clientEndpoint, handle, identity, sent };
}

const connectedOn = (net: VirtualNetwork, address: string) => ofType(net.eventsOf(address), 'connected');
const failedOn = (net: VirtualNetwork, address: string) => ofType(net.eventsOf(address), 'handshake-failed');

describe('Endpoint online certificate validation (validateCertificatesOnline)', () => {
  it('asks once with the server certificate and holds back the client Finished until the verdict', () => {
    const { net, server, client, handle, identity, sent } = setup();
    const [ask, ...more] = ofType(net.eventsOf(CLIENT), 'validate-certificate');
    expect(more).toEqual([]);
    expect(ask).toMatchObject({ handle, address: SERVER });
    expect(ask!.certificate).toEqual(identity.certificate);
    expect(parseCertificate(ask!.certificate).username).toBe('server-eu-1');
    // waiting: no Finished, no HELLO retransmissions, the server still has the handshake pending
    const before = sent.filter((d) => d.from === CLIENT).length;
    net.runUntil(net.now + 1000);
    expect(sent.filter((d) => d.from === CLIENT).length).toBe(before);
    expect(server.pendingHandshakeCount).toBe(1);
    expect(client.connectingCount).toBe(1);
    expect(connectedOn(net, CLIENT)).toEqual([]);
    expect(connectedOn(net, SERVER)).toEqual([]);
    // the timer still runs: only the handshake deadline remains
    expect(client.pollTimeout()).toBe(NOW + 2000);
  });

  it("'valid': the handshake completes on both sides", () => {
    const { net, client, handle } = setup();
    expect(client.certificateValidated(net.now, handle, 'valid')).toBe(true);
    expect(net.drive(() => connectedOn(net, CLIENT).length > 0 && connectedOn(net, SERVER).length > 0)).toBe(true);
    expect(connectedOn(net, CLIENT)[0]).toMatchObject({ handle, address: SERVER, role: 'client' });
    expect(failedOn(net, CLIENT)).toEqual([]);
    // a second verdict is ignored
    expect(client.certificateValidated(net.now, handle, 'invalid')).toBe(false);
    expect(client.connectionCount).toBe(1);
  });

  it("'invalid': 1.2 on the client, and the server is told 1.2 with an unsealed ERROR", () => {
    const { net, client, handle, sent } = setup();
    expect(client.certificateValidated(net.now, handle, 'invalid')).toBe(true);
    expect(net.drive(() => failedOn(net, CLIENT).length > 0 && failedOn(net, SERVER).length > 0)).toBe(true);
    const failed = failedOn(net, CLIENT)[0]!;
    expect(code(failed)).toBe('1.2');
    expect(failed.handle).toBe(handle);
    expect(code(failedOn(net, SERVER)[0]!)).toBe('1.2');
    const errors = sent.filter((d) => d.from === CLIENT).map((d) => decodePacket(d.bytes)).filter((p) => p.type === PacketType.ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ major: 1, minor: 2 });
    expect(connectedOn(net, CLIENT)).toEqual([]);
    expect(connectedOn(net, SERVER)).toEqual([]);
    expect(client.connectingCount).toBe(0);
  });

  it("'unavailable': the offline verdict stands and the handshake completes", () => {
    const { net, client, handle } = setup();
    net.runUntil(net.now + 500); // the check took a while, within the timeout
    expect(client.certificateValidated(net.now, handle, 'unavailable')).toBe(true);
    expect(net.drive(() => connectedOn(net, CLIENT).length > 0 && connectedOn(net, SERVER).length > 0)).toBe(true);
    expect(failedOn(net, CLIENT)).toEqual([]);
  });

  it('no verdict within handshakeTimeoutMs: 1.2, and a late verdict is ignored', () => {
    const { net, client, handle } = setup();
    expect(net.drive(() => failedOn(net, CLIENT).length > 0, NOW + 10_000)).toBe(true);
    const failed = failedOn(net, CLIENT)[0]!;
    expect(code(failed)).toBe('1.2');
    expect(failed.handle).toBe(handle);
    expect(net.now).toBe(NOW + 2000);
    expect(client.connectingCount).toBe(0);
    expect(client.certificateValidated(net.now, handle, 'valid')).toBe(false);
    net.runUntil(net.now + 5000);
    expect(connectedOn(net, CLIENT)).toEqual([]);
    expect(connectedOn(net, SERVER)).toEqual([]);
  });

  it('is not asked without the flag, nor without a service key (nothing verified offline)', () => {
    for (const options of [{ validateCertificatesOnline: false }, { servicePublicKey: undefined, expectedServer: undefined }] as Partial<EndpointOptions>[]) {
      const identity = serverIdentity();
      const net = new VirtualNetwork({ latencyMs: 20 }, 7, NOW);
      const server = new Endpoint({ random: seeded(10), listen: true, identity });
      const client = new Endpoint({ random: seeded(11), servicePublicKey, validateCertificatesOnline: true, ...options });
      net.add(SERVER, server);
      net.add(CLIENT, client);
      client.connect(net.now, SERVER);
      expect(net.drive(() => connectedOn(net, CLIENT).length > 0 && connectedOn(net, SERVER).length > 0)).toBe(true);
      expect(ofType(net.eventsOf(CLIENT), 'validate-certificate')).toEqual([]);
    }
  });

  it('an offline failure is reported without asking', () => {
    const other = ed25519PublicKey(bytesOf(99, 32));
    const net = new VirtualNetwork({ latencyMs: 20 }, 7, NOW);
    net.add(SERVER, new Endpoint({ random: seeded(10), listen: true, identity: serverIdentity() }));
    const client = new Endpoint({ random: seeded(11), servicePublicKey: other, validateCertificatesOnline: true });
    net.add(CLIENT, client);
    client.connect(net.now, SERVER);
    expect(net.drive(() => failedOn(net, CLIENT).length > 0)).toBe(true);
    expect(code(failedOn(net, CLIENT)[0]!)).toBe('1.2');
    expect(ofType(net.eventsOf(CLIENT), 'validate-certificate')).toEqual([]);
  });
});
