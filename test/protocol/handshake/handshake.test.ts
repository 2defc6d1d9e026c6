import { describe, expect, it } from 'vitest';
import { primitives } from '../../../lib/native.js';
import { AeadProtection } from '../../../lib/protocol/packet-protection.js';
import {
  AeadChoice,
  buildFinishedAck,
  buildTranscript,
  certificateVerifyMessage,
  checkFinishedData,
  deriveSessionKeys,
  ed25519Sign,
  encodeFinishedData,
  matchesExpectedPeer,
  parseCertificate,
  parseHello,
  parseServerHello,
  primitiveAeadName,
  x25519KeyPair,
  type HelloFields,
  type Identity,
  type SessionKeys,
} from '../../../lib/protocol/handshake/index.js';
import { PacketType } from '../../../lib/wire/constants.js';
import { encodePacket } from '../../../lib/wire/encode.js';
import {
  ADDRESS,
  NOW,
  TestClient,
  TestServer,
  ack,
  auth,
  bytesOf,
  handshakeError,
  makeIdentity,
  makeService,
  runHandshake,
  seeded,
  type ServerReply,
} from './handshake-fixture.js';

/**
 * An active man in the middle: it replaces the client's key share towards the server and the
 * server's key share towards the client, so it shares one X25519 secret with each side.
 */
class KeySwapRelay {
  readonly towardsServer = x25519KeyPair(seeded(500));
  readonly towardsClient = x25519KeyPair(seeded(501));
  clientHello: HelloFields | undefined;

  hello(datagram: Uint8Array): Uint8Array {
    const p = auth(datagram);
    this.clientHello = parseHello(p);
    return encodePacket({ ...p, publicKey: this.towardsServer.publicKey });
  }

  serverHello(datagram: Uint8Array): Uint8Array {
    return encodePacket({ ...auth(datagram), publicKey: this.towardsClient.publicKey });
  }

  /** The keys it can compute for its leg with the client, posing as the server. */
  clientLegKeys(serverHello: Uint8Array, password?: string): SessionKeys {
    const hello = this.clientHello!;
    const sh = parseServerHello(auth(serverHello), hello.aeadOffer);
    return deriveSessionKeys({
      role: 'server',
      privateKey: this.towardsClient.privateKey,
      password,
      transcript: buildTranscript(hello, sh),
    });
  }

  /** The server's SERVER HELLO as it forwards it, then a Finished it computed itself. */
  forgeServerFinished(serverHello: Uint8Array, password?: string, identity?: Identity): { serverHello: Uint8Array; finishedAck: Uint8Array } {
    const forwarded = this.serverHello(serverHello);
    const keys = this.clientLegKeys(forwarded, password);
    return { serverHello: forwarded, finishedAck: encodePacket(buildFinishedAck(encodeFinishedData(keys, identity), { sequence: 9, ackId: 0, ackBits: 0 })) };
  }
}

/** Runs the cookie round trip through `relay` and returns the server's SERVER HELLO reply. */
function throughRelay(client: TestClient, server: TestServer, relay: KeySwapRelay): Extract<ServerReply, { kind: 'server-hello' }> {
  const retry = server.onHello(relay.hello(client.hello()), ADDRESS, NOW);
  if (retry.kind !== 'retry') throw new Error('expected RETRY');
  client.onRetry(retry.datagram);
  const reply = server.onHello(relay.hello(client.hello()), ADDRESS, NOW);
  if (reply.kind !== 'server-hello') throw new Error('expected SERVER HELLO');
  return reply;
}

describe('handshake', () => {
  const service = makeService(seeded(1000));
  const serverIdentity = makeIdentity(service, seeded(1001), 'server-eu-1');
  const clientIdentity = makeIdentity(service, seeded(1002), 'alice');

  describe('attacks and mismatches', () => {
    it('fails Finished with 1.3 when a relay substitutes its own key share on both legs and forwards Finished', () => {
      const client = new TestClient(seeded(1));
      const server = new TestServer(seeded(2), NOW);
      const relay = new KeySwapRelay();
      const reply = throughRelay(client, server, relay);
      const e = handshakeError(() => client.onServerHello(relay.serverHello(reply.serverHello), reply.finishedAck, NOW));
      expect([e.code, e.reason]).toEqual(['1.3', 'finished-mismatch']);
    });

    it('fails the server check with 1.3 when the relay forwards the client Finished to the server', () => {
      const client = new TestClient(seeded(1));
      const server = new TestServer(seeded(2), NOW);
      const relay = new KeySwapRelay();
      const reply = throughRelay(client, server, relay);
      const forged = relay.forgeServerFinished(reply.serverHello);
      const clientFinished = client.onServerHello(forged.serverHello, forged.finishedAck, NOW);
      expect(handshakeError(() => server.onClientFinished(clientFinished)).code).toBe('1.3');
    });

    it('fails with 1.3 when a relay forges Finished but the server has a password the relay lacks', () => {
      const client = new TestClient(seeded(1), { password: 'correct horse battery staple' });
      const server = new TestServer(seeded(2), NOW, { password: 'correct horse battery staple' });
      const relay = new KeySwapRelay();
      const forged = relay.forgeServerFinished(throughRelay(client, server, relay).serverHello);
      const e = handshakeError(() => client.onServerHello(forged.serverHello, forged.finishedAck, NOW));
      expect([e.code, e.reason]).toEqual(['1.3', 'finished-mismatch']);
    });

    it('fails CertificateVerify with 1.2 when a relay forges Finished but forwards the server certificate', () => {
      const client = new TestClient(seeded(1), { servicePublicKey: service.publicKey });
      const server = new TestServer(seeded(2), NOW, { identity: serverIdentity });
      const relay = new KeySwapRelay();
      const reply = throughRelay(client, server, relay);
      const forwarded = relay.serverHello(reply.serverHello);
      const keys = relay.clientLegKeys(forwarded);
      // Valid MAC for the client's leg, and the server's real signature (over the other leg's transcript).
      const data = Uint8Array.of(...encodeFinishedData(keys), ...ack(reply.finishedAck).data.subarray(32));
      const finishedAck = encodePacket(buildFinishedAck(data, { sequence: 9, ackId: 0, ackBits: 0 }));
      const e = handshakeError(() => client.onServerHello(forwarded, finishedAck, NOW));
      expect([e.code, e.reason]).toEqual(['1.2', 'certificate-verify-failed']);
    });

    it('fails CertificateVerify with 1.2 when an impostor replays a server certificate without its private key', () => {
      const client = new TestClient(seeded(1), { servicePublicKey: service.publicKey });
      const stolen: Identity = { certificate: serverIdentity.certificate, privateSeed: bytesOf(seeded(66), 32) };
      const impostor = new TestServer(seeded(2), NOW, { identity: stolen, skipIdentityCheck: true });
      const e = handshakeError(() => runHandshake(client, impostor));
      expect([e.code, e.reason]).toEqual(['1.2', 'certificate-verify-failed']);
    });

    it('fails CertificateVerify with 1.2 when a client replays another account certificate', () => {
      const thief = new TestClient(seeded(1), { identity: { certificate: clientIdentity.certificate, privateSeed: bytesOf(seeded(67), 32) } });
      const server = new TestServer(seeded(2), NOW, { servicePublicKey: service.publicKey });
      const e = handshakeError(() => runHandshake(thief, server));
      expect([e.code, e.reason]).toEqual(['1.2', 'certificate-verify-failed']);
    });

    it('rejects a CertificateVerify signed for the other role even with the same certificate on both sides', () => {
      const client = new TestClient(seeded(1), { identity: serverIdentity });
      const server = new TestServer(seeded(2), NOW, { identity: serverIdentity, servicePublicKey: service.publicKey });
      runHandshake(client, server);
      const keys = client.keys!;
      const reflected = Uint8Array.of(
        ...encodeFinishedData(keys).subarray(0, 32),
        ...ed25519Sign(serverIdentity.privateSeed, certificateVerifyMessage(keys.transcriptHash, 'server')),
      );
      const e = handshakeError(() => checkFinishedData(reflected, server.keys!, parseCertificate(serverIdentity.certificate)));
      expect(e.reason).toBe('certificate-verify-failed');
    });

    it('fails Finished with 1.3 when the client has the wrong password, or none', () => {
      for (const password of ['wrong', undefined]) {
        const client = new TestClient(seeded(1), { password });
        const server = new TestServer(seeded(2), NOW, { password: 'right' });
        const e = handshakeError(() => runHandshake(client, server));
        expect([e.code, e.reason]).toEqual(['1.3', 'finished-mismatch']);
      }
    });

    it('fails Finished with 1.3 when a relay downgrades the AEAD offer in the HELLO', () => {
      const client = new TestClient(seeded(1));
      const server = new TestServer(seeded(2), NOW);
      const downgrade = (d: Uint8Array) => {
        const p = auth(d);
        const data = p.data.slice();
        data[32] = 0b10; // AES-256-GCM only
        return encodePacket({ ...p, data });
      };
      const retry = server.onHello(downgrade(client.hello()), ADDRESS, NOW);
      if (retry.kind !== 'retry') throw new Error('expected RETRY');
      client.onRetry(retry.datagram);
      const reply = server.onHello(downgrade(client.hello()), ADDRESS, NOW);
      if (reply.kind !== 'server-hello') throw new Error('expected SERVER HELLO');
      expect(server.keys!.aead).toBe(AeadChoice.AES_256_GCM);
      expect(handshakeError(() => client.onServerHello(reply.serverHello, reply.finishedAck, NOW)).code).toBe('1.3');
    });

    it('fails with 1.3 on Finished data of the wrong length (missing or unexpected CertificateVerify)', () => {
      const client = new TestClient(seeded(1), { identity: clientIdentity });
      const server = new TestServer(seeded(2), NOW, { servicePublicKey: service.publicKey });
      const { clientFinished } = runHandshake(client, server);
      const mac = ack(clientFinished).data.subarray(0, 32);
      const cert = parseCertificate(clientIdentity.certificate);
      const e = handshakeError(() => checkFinishedData(mac, server.keys!, cert));
      expect([e.code, e.reason]).toEqual(['1.3', 'finished-malformed']);
      expect(handshakeError(() => checkFinishedData(ack(clientFinished).data, server.keys!, undefined)).reason).toBe('finished-malformed');
    });

    it('fails with 1.2 when the client requires a server certificate and the server has none', () => {
      const client = new TestClient(seeded(1), { servicePublicKey: service.publicKey });
      const e = handshakeError(() => runHandshake(client, new TestServer(seeded(2), NOW)));
      expect([e.code, e.reason]).toEqual(['1.2', 'certificate-missing']);
    });

    it('lets a relay holding its own valid certificate pass the crypto: only the expected-server check stops it', () => {
      const relayIdentity = makeIdentity(service, seeded(77), 'mallory');
      const client = new TestClient(seeded(1), { servicePublicKey: service.publicKey });
      const server = new TestServer(seeded(2), NOW, { identity: serverIdentity });
      const relay = new KeySwapRelay();
      const reply = throughRelay(client, server, relay);
      const sh = auth(reply.serverHello);
      const swapped = encodePacket({ ...sh, publicKey: relay.towardsClient.publicKey, certificate: relayIdentity.certificate });
      const keys = relay.clientLegKeys(swapped);
      const finishedAck = encodePacket(buildFinishedAck(encodeFinishedData(keys, relayIdentity), { sequence: 9, ackId: 0, ackBits: 0 }));
      expect(() => client.onServerHello(swapped, finishedAck, NOW)).not.toThrow();
      const presented = parseCertificate(relayIdentity.certificate);
      expect(matchesExpectedPeer(presented, { username: 'server-eu-1' })).toBe(false);
      expect(matchesExpectedPeer(parseCertificate(serverIdentity.certificate), { username: 'server-eu-1', accountId: 42n })).toBe(true);
    });

    it('is unauthenticated without a password or server certificate: a relay can complete both legs (by design, documented)', () => {
      const client = new TestClient(seeded(1));
      const server = new TestServer(seeded(2), NOW);
      const relay = new KeySwapRelay();
      const forged = relay.forgeServerFinished(throughRelay(client, server, relay).serverHello);
      expect(() => client.onServerHello(forged.serverHello, forged.finishedAck, NOW)).not.toThrow();
    });
  });

  it('derives identical keys on both sides and each accepts the other Finished', () => {
    const client = new TestClient(seeded(1));
    const server = new TestServer(seeded(2), NOW);
    runHandshake(client, server);
    const c = client.keys!;
    const s = server.keys!;
    expect(c.transcriptHash).toEqual(s.transcriptHash);
    expect(c.send).toEqual(s.receive);
    expect(c.receive).toEqual(s.send);
    expect(c.finishedKey).toEqual(s.peerFinishedKey);
    expect(c.send.key).not.toEqual(c.receive.key);
    expect(c.aead).toBe(AeadChoice.XCHACHA20_POLY1305);
  });

  it('completes with a password, certificates on both sides and AES-256-GCM, and the keys seal traffic', () => {
    const client = new TestClient(seeded(1), { password: 'pw', identity: clientIdentity, servicePublicKey: service.publicKey, offer: [AeadChoice.AES_256_GCM] });
    const server = new TestServer(seeded(2), NOW, { password: 'pw', identity: serverIdentity, servicePublicKey: service.publicKey });
    const sent = runHandshake(client, server);
    expect(ack(sent.finishedAck).data.length).toBe(96);
    expect(ack(sent.clientFinished).data.length).toBe(96);
    for (const [a, b] of [[client.keys!, server.keys!], [server.keys!, client.keys!]] as const) {
      expect(a.aead).toBe(AeadChoice.AES_256_GCM);
      const aead = primitives[primitiveAeadName(a.aead)];
      const sealed = new AeadProtection(aead, a.send, a.receive).protect({ type: PacketType.DEFAULT, flags: 0, sequence: 1, data: Uint8Array.of(1, 2, 3) });
      const opened = new AeadProtection(aead, b.send, b.receive).unprotect(sealed);
      expect(opened.ok && [...opened.packet.data]).toEqual([1, 2, 3]);
    }
  });

  it('produces the same bytes and keys from the same seeds, and different ones from another seed', () => {
    const run = (clientSeed: number) => {
      const client = new TestClient(seeded(clientSeed), { identity: clientIdentity });
      const server = new TestServer(seeded(2), NOW, { identity: serverIdentity });
      return { sent: runHandshake(client, server), keys: client.keys };
    };
    const a = run(1);
    const b = run(1);
    expect(a).toEqual(b);
    expect(run(3).sent.hello1).not.toEqual(a.sent.hello1);
  });
});
