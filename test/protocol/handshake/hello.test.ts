import { describe, expect, it } from 'vitest';
import {
  AeadChoice,
  AeadOfferBit,
  AuthKind,
  CookieJar,
  HandshakeSize,
  aeadOfferMask,
  buildFinishedAck,
  buildHello,
  buildRetry,
  buildServerHello,
  chooseAead,
  encodeHelloData,
  helloDataLength,
  parseHello,
  parseRetry,
  parseServerHello,
  x25519KeyPair,
} from '../../../lib/protocol/handshake/index.js';
import { Flag, PacketType } from '../../../lib/wire/constants.js';
import { encodePacket } from '../../../lib/wire/encode.js';
import { headerLength } from '../../../lib/wire/layout.js';
import type { AuthPacket } from '../../../lib/wire/packet.js';
import { ADDRESS, NOW, auth, bytesOf, handshakeError, makeIdentity, makeService, seeded } from './handshake-fixture.js';

const BOTH = AeadOfferBit.XCHACHA20_POLY1305 | AeadOfferBit.AES_256_GCM;

function helloFields(seed: number, certificate: Uint8Array = new Uint8Array(0), cookie: Uint8Array = new Uint8Array(0)) {
  const random = seeded(seed);
  return { publicKey: x25519KeyPair(random).publicKey, certificate, clientRandom: bytesOf(random, 32), aeadOffer: BOTH, cookie };
}

function reencode(p: AuthPacket, change: Partial<AuthPacket>): AuthPacket {
  return auth(encodePacket({ ...p, ...change }));
}

describe('HELLO', () => {
  describe('rejection (no reply may follow)', () => {
    it('rejects a HELLO datagram below 1,200 bytes before reading anything else (1.0)', () => {
      const p = buildHello(helloFields(1), { sequence: 0 }, 600);
      const e = handshakeError(() => parseHello(auth(encodePacket(p))));
      expect([e.code, e.reason]).toEqual(['1.0', 'malformed-hello']);
    });

    it('rejects a key share that is not 32 bytes, a cookie overrunning the data and non-zero padding', () => {
      const p = auth(encodePacket(buildHello(helloFields(1), { sequence: 0 })));
      const detail = (q: AuthPacket) => handshakeError(() => parseHello(q, 0)).message;
      expect(detail(reencode(p, { publicKey: new Uint8Array(31) }))).toMatch(/malformed-hello.*key share of 31/);
      const overrun = p.data.slice(0, 100);
      overrun[33] = 255;
      expect(detail(reencode(p, { data: overrun }))).toMatch(/cookie of 255 bytes overruns/);
      const padded = p.data.slice();
      padded[padded.length - 1] = 1;
      expect(detail(reencode(p, { data: padded }))).toMatch(/non-zero padding/);
      expect(detail(reencode(p, { data: p.data.subarray(0, 33) }))).toMatch(/data of 33 bytes/);
    });

    it('rejects another AUTH kind', () => {
      const p = auth(encodePacket(buildHello(helloFields(1), { sequence: 0 })));
      expect(handshakeError(() => parseHello(reencode(p, { authKind: AuthKind.SERVER_HELLO }))).code).toBe('1.0');
    });

    it('refuses to build with a bad random, offer or oversized cookie (caller bug)', () => {
      expect(() => buildHello({ ...helloFields(1), clientRandom: new Uint8Array(31) }, { sequence: 0 })).toThrow(RangeError);
      expect(() => buildHello({ ...helloFields(1), aeadOffer: 0 }, { sequence: 0 })).toThrow(RangeError);
      expect(() => buildHello({ ...helloFields(1), cookie: new Uint8Array(256) }, { sequence: 0 })).toThrow(RangeError);
      expect(() => buildHello(helloFields(1), { sequence: 0, flags: Flag.ENCRYPTED })).toThrow(RangeError);
    });
  });

  it('pads the encoded datagram to exactly 1,200 bytes with and without certificate, cookie or checksum', () => {
    const cert = makeIdentity(makeService(seeded(5)), seeded(6), 'x'.repeat(86)).certificate;
    expect(cert.length).toBe(200);
    for (const certificate of [new Uint8Array(0), cert]) {
      for (const cookie of [new Uint8Array(0), new Uint8Array(24).fill(9)]) {
        for (const flags of [0, Flag.CHECKSUM | Flag.RELIABLE]) {
          const bytes = encodePacket(buildHello(helloFields(2, certificate, cookie), { sequence: 7, flags }));
          expect(bytes.length).toBe(1200);
          const hello = parseHello(auth(bytes));
          expect(hello.certificate).toEqual(certificate);
          expect(hello.cookie).toEqual(cookie);
          expect(hello.aeadOffer).toBe(BOTH);
        }
      }
    }
  });

  it('grows past 1,200 bytes instead of truncating when the fields need more room', () => {
    expect(helloDataLength(1190, 24)).toBe(34 + 24);
    const data = encodeHelloData({ clientRandom: new Uint8Array(32), aeadOffer: 1, cookie: new Uint8Array(24) }, 1190);
    expect(data.length).toBe(58);
  });

  it('lays out data as client_random, aead_offer, cookie_len, cookie, zeros', () => {
    const f = helloFields(3, new Uint8Array(0), Uint8Array.of(0xc0, 0x0c));
    const p = buildHello(f, { sequence: 0 });
    expect(p.data.subarray(0, 32)).toEqual(f.clientRandom);
    expect([...p.data.subarray(32, 36)]).toEqual([BOTH, 2, 0xc0, 0x0c]);
    expect(p.data.subarray(36).every((b) => b === 0)).toBe(true);
    expect(headerLength(p) + p.data.length).toBe(1200);
  });

  it('returns copies, not views into the datagram', () => {
    const bytes = encodePacket(buildHello(helloFields(4), { sequence: 0 }));
    const hello = parseHello(auth(bytes));
    const key = hello.publicKey.slice();
    bytes.fill(0);
    expect(hello.publicKey).toEqual(key);
  });
});

describe('RETRY and SERVER HELLO', () => {
  describe('rejection', () => {
    it('rejects a RETRY carrying a key share, certificate, or an empty or missing cookie (1.0)', () => {
      const p = auth(encodePacket(buildRetry(new Uint8Array(24), { sequence: 0 })));
      expect(handshakeError(() => parseRetry(reencode(p, { publicKey: new Uint8Array(32) }))).reason).toBe('malformed-retry');
      expect(handshakeError(() => parseRetry(reencode(p, { certificate: new Uint8Array(1) }))).reason).toBe('malformed-retry');
      expect(handshakeError(() => parseRetry(reencode(p, { data: new Uint8Array(0) }))).reason).toBe('malformed-retry');
      expect(() => buildRetry(new Uint8Array(0), { sequence: 0 })).toThrow(RangeError);
    });

    it('rejects a SERVER HELLO choosing an AEAD the client did not offer, or an unknown one (1.0)', () => {
      const random = seeded(8);
      const p = auth(
        encodePacket(
          buildServerHello(
            { publicKey: x25519KeyPair(random).publicKey, certificate: new Uint8Array(0), serverRandom: bytesOf(random, 32), aeadChoice: AeadChoice.AES_256_GCM },
            { sequence: 0 },
          ),
        ),
      );
      const e = handshakeError(() => parseServerHello(p, AeadOfferBit.XCHACHA20_POLY1305));
      expect([e.code, e.reason]).toEqual(['1.0', 'aead-not-offered']);
      const unknown = p.data.slice();
      unknown[32] = 7;
      expect(handshakeError(() => parseServerHello(reencode(p, { data: unknown }), 0xff)).reason).toBe('aead-not-offered');
      expect(handshakeError(() => parseServerHello(reencode(p, { data: p.data.subarray(0, 32) }), BOTH)).reason).toBe('malformed-server-hello');
      expect(handshakeError(() => parseServerHello(reencode(p, { publicKey: new Uint8Array(0) }), BOTH)).reason).toBe('malformed-server-hello');
    });
  });

  it('never answers a HELLO with more bytes than it carried (RETRY; SERVER HELLO + Finished with 200- and 369-byte certificates)', () => {
    const service = makeService(seeded(5));
    for (const [username, certBytes, flightBytes] of [['x'.repeat(86), 200, 387], ['x'.repeat(255), 369, 556]] as const) {
      const serverIdentity = makeIdentity(service, seeded(6), username);
      expect(serverIdentity.certificate.length).toBe(certBytes);
      const clientCert = makeIdentity(service, seeded(7), username).certificate;
      const hello = encodePacket(buildHello(helloFields(9, clientCert), { sequence: 0 }));
      const parsed = parseHello(auth(hello));
      const cookie = new CookieJar(NOW, seeded(1)).issue(ADDRESS, parsed.publicKey, parsed.clientRandom, NOW);
      const retry = encodePacket(buildRetry(cookie, { sequence: 0 }));
      const random = seeded(10);
      const serverHello = encodePacket(
        buildServerHello(
          { publicKey: x25519KeyPair(random).publicKey, certificate: serverIdentity.certificate, serverRandom: bytesOf(random, 32), aeadChoice: 0 },
          { sequence: 1, flags: Flag.CHECKSUM },
        ),
      );
      const finished = encodePacket(buildFinishedAck(new Uint8Array(96), { sequence: 2, ackId: 0, ackBits: 0, flags: Flag.CHECKSUM }));
      expect(hello.length).toBe(1200);
      expect(retry.length).toBe(32);
      expect(serverHello.length + finished.length).toBe(flightBytes);
      expect(serverHello.length + finished.length).toBeLessThanOrEqual(hello.length);
      expect(decodeType(finished)).toBe(PacketType.ACK);
    }
  });

  it('round-trips a RETRY cookie and a SERVER HELLO', () => {
    expect(parseRetry(auth(encodePacket(buildRetry(Uint8Array.of(1, 2, 3), { sequence: 0 }))))).toEqual(Uint8Array.of(1, 2, 3));
    const random = seeded(12);
    const fields = { publicKey: x25519KeyPair(random).publicKey, certificate: Uint8Array.of(9), serverRandom: bytesOf(random, 32), aeadChoice: AeadChoice.XCHACHA20_POLY1305 };
    const p = auth(encodePacket(buildServerHello(fields, { sequence: 0 })));
    expect(p.data.length).toBe(HandshakeSize.SERVER_HELLO_DATA);
    expect(parseServerHello(p, BOTH)).toEqual(fields);
  });
});

describe('AEAD negotiation', () => {
  it('picks XChaCha20-Poly1305 unless only AES-256-GCM is offered, and honours a preference', () => {
    expect(chooseAead(BOTH)).toBe(AeadChoice.XCHACHA20_POLY1305);
    expect(chooseAead(AeadOfferBit.AES_256_GCM)).toBe(AeadChoice.AES_256_GCM);
    expect(chooseAead(BOTH, [AeadChoice.AES_256_GCM, AeadChoice.XCHACHA20_POLY1305])).toBe(AeadChoice.AES_256_GCM);
    expect(chooseAead(AeadOfferBit.XCHACHA20_POLY1305, [AeadChoice.AES_256_GCM])).toBeUndefined();
    expect(chooseAead(0x80)).toBeUndefined(); // unknown bits only
    expect(aeadOfferMask([AeadChoice.XCHACHA20_POLY1305, AeadChoice.AES_256_GCM])).toBe(0b11);
    expect(() => aeadOfferMask([])).toThrow(RangeError);
  });
});

function decodeType(bytes: Uint8Array): number {
  return (bytes[0] as number) & 0x0f;
}
