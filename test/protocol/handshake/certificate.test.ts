import { describe, expect, it } from 'vitest';
import {
  HandshakeError,
  MAX_CERTIFICATE_BYTES,
  MIN_CERTIFICATE_BYTES,
  checkIdentity,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  issueCertificate,
  parseCertificate,
  requireValidCertificate,
  verifyCertificate,
} from '../../../lib/protocol/handshake/index.js';
import { NOW, bytesOf, handshakeError, makeIdentity, makeService, seeded } from './handshake-fixture.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('certificates', () => {
  const random = seeded(7);
  const service = makeService(random);
  const identity = makeIdentity(service, random, 'alice');

  describe('rejection', () => {
    it('rejects a certificate signed by another service key as bad-signature (1.2)', () => {
      const other = makeService(seeded(99));
      const forged = makeIdentity(other, seeded(100), 'alice');
      expect(verifyCertificate(forged.certificate, service.publicKey, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
      const e = handshakeError(() => requireValidCertificate(forged.certificate, service.publicKey, NOW));
      expect([e.code, e.reason]).toEqual(['1.2', 'certificate-bad-signature']);
    });

    it('rejects a certificate at and after its expiry instant as expired (1.2)', () => {
      const expiring = makeIdentity(service, random, 'bob', NOW + 1000);
      expect(verifyCertificate(expiring.certificate, service.publicKey, NOW + 999).ok).toBe(true);
      expect(verifyCertificate(expiring.certificate, service.publicKey, NOW + 1000)).toEqual({ ok: false, reason: 'expired' });
      expect(handshakeError(() => requireValidCertificate(expiring.certificate, service.publicKey, NOW + 5000)).code).toBe('1.2');
    });

    it('rejects every truncation as malformed without throwing anything but HandshakeError', () => {
      const cert = identity.certificate;
      for (let n = 0; n < cert.length; n++) {
        expect(verifyCertificate(cert.subarray(0, n), service.publicKey, NOW)).toEqual({ ok: false, reason: 'malformed' });
        const e = handshakeError(() => parseCertificate(cert.subarray(0, n)));
        expect([e.code, e.reason]).toEqual(['1.2', 'certificate-malformed']);
      }
    });

    it('rejects trailing bytes, an unknown version and invalid UTF-8 as malformed', () => {
      const cert = identity.certificate;
      expect(verifyCertificate(Uint8Array.of(...cert, 0), service.publicKey, NOW)).toEqual({ ok: false, reason: 'malformed' });
      const v2 = cert.slice();
      v2[0] = 2;
      expect(verifyCertificate(v2, service.publicKey, NOW)).toEqual({ ok: false, reason: 'malformed' });
      const badUtf8 = cert.slice();
      badUtf8[10] = 0xff; // first username byte
      expect(verifyCertificate(badUtf8, service.publicKey, NOW)).toEqual({ ok: false, reason: 'malformed' });
    });

    it('rejects every single bit flip (never accepts a modified certificate)', () => {
      const cert = identity.certificate;
      for (let bit = 0; bit < cert.length * 8; bit++) {
        const flipped = cert.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        const check = verifyCertificate(flipped, service.publicKey, NOW);
        expect(check.ok).toBe(false);
      }
    });

    it('refuses to issue invalid fields (caller bug: RangeError)', () => {
      const publicKey = new Uint8Array(32);
      const base = { accountId: 1n, username: 'a', publicKey, expiryMs: NOW };
      expect(() => issueCertificate(service.seed, { ...base, accountId: -1n })).toThrow(RangeError);
      expect(() => issueCertificate(service.seed, { ...base, accountId: 1n << 64n })).toThrow(RangeError);
      expect(() => issueCertificate(service.seed, { ...base, username: 'x'.repeat(256) })).toThrow(RangeError);
      expect(() => issueCertificate(service.seed, { ...base, publicKey: new Uint8Array(31) })).toThrow(RangeError);
      expect(() => issueCertificate(service.seed, { ...base, expiryMs: 1.5 })).toThrow(RangeError);
      expect(() => issueCertificate(new Uint8Array(16), base)).toThrow(RangeError);
    });

    it('refuses an identity whose seed does not match its certificate', () => {
      expect(() => checkIdentity({ certificate: identity.certificate, privateSeed: bytesOf(random, 32) })).toThrow(RangeError);
      expect(() => checkIdentity({ certificate: new Uint8Array(3), privateSeed: identity.privateSeed })).toThrow(RangeError);
    });
  });

  it('round-trips every field and verifies under the service key', () => {
    const publicKey = ed25519PublicKey(identity.privateSeed);
    const bytes = issueCertificate(service.seed, { accountId: 0xffff_ffff_ffff_ffffn, username: 'zoë 🎮', publicKey, expiryMs: NOW + 1 });
    const cert = parseCertificate(bytes);
    expect(cert).toMatchObject({ version: 1, accountId: 0xffff_ffff_ffff_ffffn, username: 'zoë 🎮', expiryMs: NOW + 1 });
    expect(cert.publicKey).toEqual(publicKey);
    expect(cert.bytes).toEqual(bytes);
    expect(bytes.length).toBe(MIN_CERTIFICATE_BYTES + Buffer.byteLength('zoë 🎮'));
    const check = verifyCertificate(cert, service.publicKey, NOW);
    expect(check.ok && check.certificate.username).toBe('zoë 🎮');
    expect(checkIdentity(identity).username).toBe('alice');
  });

  it('lays the fields out as documented (version, account id, username, key, expiry, signature)', () => {
    const publicKey = new Uint8Array(32).fill(0xab);
    const bytes = issueCertificate(service.seed, { accountId: 0x0102n, username: 'ab', publicKey, expiryMs: 0x0304 });
    expect(Buffer.from(bytes.subarray(0, 12)).toString('hex')).toBe('01' + '0000000000000102' + '02' + '6162');
    expect(bytes.subarray(12, 44)).toEqual(publicKey);
    expect(Buffer.from(bytes.subarray(44, 52)).toString('hex')).toBe('0000000000000304');
    expect(bytes.length).toBe(52 + 64);
    expect(MAX_CERTIFICATE_BYTES).toBe(114 + 255);
  });

  it('copies the input so later reuse of the datagram buffer cannot change a parsed certificate', () => {
    const buffer = identity.certificate.slice();
    const cert = parseCertificate(buffer);
    buffer.fill(0);
    expect(cert.bytes).toEqual(identity.certificate);
  });

  it('matches the RFC 8032 Ed25519 test vector 1 (raw seed wrapping is right)', () => {
    const seed = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const publicKey = ed25519PublicKey(seed);
    expect(Buffer.from(publicKey).toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const sig = ed25519Sign(seed, new Uint8Array(0));
    expect(Buffer.from(sig).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(ed25519Verify(publicKey, new Uint8Array(0), sig)).toBe(true);
    expect(ed25519Verify(publicKey, new Uint8Array(1), sig)).toBe(false);
    expect(ed25519Verify(new Uint8Array(31), new Uint8Array(0), sig)).toBe(false);
  });

  it('is an instance of HandshakeError carrying the wire code', () => {
    const e = handshakeError(() => parseCertificate(new Uint8Array(0)));
    expect(e).toBeInstanceOf(HandshakeError);
    expect([e.major, e.minor, e.info.name]).toEqual([1, 2, 'CERTIFICATE INVALID']);
  });
});
