import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { writeCounterNonce } from '../../../lib/protocol/handshake/nonce.js';
import {
  AeadChoice,
  deriveKeySchedule,
  encodeTranscript,
  nonceFor,
  passwordSalt,
  transcriptHash,
  x25519KeyPair,
  x25519PublicKey,
  x25519SharedSecret,
  type Transcript,
} from '../../../lib/protocol/handshake/index.js';
import { bytesOf, handshakeError, seeded } from './handshake-fixture.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function transcript(seed: number): Transcript {
  const r = seeded(seed);
  return {
    clientKey: bytesOf(r, 32),
    clientCertificate: bytesOf(r, 5),
    clientRandom: bytesOf(r, 32),
    aeadOffer: 3,
    serverKey: bytesOf(r, 32),
    serverCertificate: new Uint8Array(0),
    serverRandom: bytesOf(r, 32),
    aeadChoice: AeadChoice.AES_256_GCM,
  };
}

describe('X25519', () => {
  it('rejects a low-order peer key (all-zero shared secret) and a wrong-length one with 1.0', () => {
    const { privateKey } = x25519KeyPair(seeded(1));
    for (const bad of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31)), new Uint8Array(31)]) {
      const e = handshakeError(() => x25519SharedSecret(privateKey, bad));
      expect([e.code, e.reason]).toEqual(['1.0', 'invalid-key-share']);
    }
  });

  it('matches the RFC 7748 §6.1 test vector (raw key wrapping is right)', () => {
    const alice = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bob = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    expect(toHex(x25519PublicKey(alice))).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(toHex(x25519SharedSecret(alice, x25519PublicKey(bob)))).toBe(shared);
    expect(toHex(x25519SharedSecret(bob, x25519PublicKey(alice)))).toBe(shared);
  });
});

describe('transcript', () => {
  it('encodes keys and certificates with u16 lengths and randoms and AEAD bytes bare', () => {
    const t = transcript(1);
    const enc = encodeTranscript(t);
    const expected = Buffer.concat([
      Buffer.from('0020', 'hex'), t.clientKey, Buffer.from('0005', 'hex'), t.clientCertificate, t.clientRandom, Buffer.from([3]),
      Buffer.from('0020', 'hex'), t.serverKey, Buffer.from('0000', 'hex'), t.serverRandom, Buffer.from([1]),
    ]);
    expect(toHex(enc)).toBe(expected.toString('hex'));
    expect(toHex(transcriptHash(t))).toBe(createHash('sha256').update(expected).digest('hex'));
  });

  it('changes with every field, including moving a byte between adjacent variable fields', () => {
    const base = transcriptHash(transcript(1));
    const t = transcript(1);
    const variants: Transcript[] = [
      { ...t, aeadOffer: 1 },
      { ...t, aeadChoice: AeadChoice.XCHACHA20_POLY1305 },
      { ...t, clientCertificate: t.clientCertificate.subarray(0, 4), serverKey: Uint8Array.of(t.clientCertificate[4]!, ...t.serverKey) },
      { ...t, serverRandom: bytesOf(seeded(9), 32) },
    ];
    for (const v of variants) expect(transcriptHash(v)).not.toEqual(base);
  });
});

describe('key schedule', () => {
  it('refuses wrong-length inputs (caller bug)', () => {
    expect(() => deriveKeySchedule(new Uint8Array(31), new Uint8Array(32))).toThrow(RangeError);
    expect(() => deriveKeySchedule(new Uint8Array(32), new Uint8Array(31))).toThrow(RangeError);
  });

  it('is HKDF-SHA256 with info "paperclip v1 " ‖ label ‖ th and the documented lengths', () => {
    const shared = bytesOf(seeded(4), 32);
    const th = bytesOf(seeded(5), 32);
    const k = deriveKeySchedule(shared, th, 'hunter2');
    const salt = createHash('sha256').update('hunter2').digest();
    const expand = (label: string, n: number) =>
      toHex(new Uint8Array(hkdfSync('sha256', shared, salt, Buffer.concat([Buffer.from(`paperclip v1 ${label}`), th]), n)));
    expect(toHex(k.c2sKey)).toBe(expand('c2s key', 32));
    expect(toHex(k.s2cKey)).toBe(expand('s2c key', 32));
    expect(toHex(k.c2sIv)).toBe(expand('c2s iv', 16));
    expect(toHex(k.s2cIv)).toBe(expand('s2c iv', 16));
    expect(toHex(k.clientFinishedKey)).toBe(expand('c finished', 32));
    expect(toHex(k.serverFinishedKey)).toBe(expand('s finished', 32));
    // HKDF-Extract then the first Expand block, spelled out (RFC 5869 §2.2, §2.3).
    const prk = createHmac('sha256', salt).update(shared).digest();
    const t1 = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('paperclip v1 c2s key'), th, Buffer.from([1])])).digest();
    expect(toHex(k.c2sKey)).toBe(t1.toString('hex'));
    expect(new Set(Object.values(k).map(toHex)).size).toBe(6);
  });

  it('salts with 32 zero bytes without a password (empty counts as none), else SHA-256 of its UTF-8', () => {
    expect(passwordSalt()).toEqual(new Uint8Array(32));
    expect(passwordSalt('')).toEqual(new Uint8Array(32));
    expect(toHex(passwordSalt('pässword'))).toBe(createHash('sha256').update(Buffer.from('pässword', 'utf8')).digest('hex'));
    const shared = bytesOf(seeded(4), 32);
    const th = bytesOf(seeded(5), 32);
    expect(deriveKeySchedule(shared, th, 'a').c2sKey).not.toEqual(deriveKeySchedule(shared, th).c2sKey);
  });
});

describe('nonceFor', () => {
  const iv = hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');

  it('refuses a counter that is negative, fractional or beyond 2^53-1, and a short IV', () => {
    for (const c of [-1, 1.5, 2 ** 53]) expect(() => nonceFor(iv, c, AeadChoice.XCHACHA20_POLY1305)).toThrow(RangeError);
    expect(() => nonceFor(iv.subarray(4), 0, AeadChoice.AES_256_GCM)).toThrow(RangeError);
  });

  it('is iv(16) ‖ counter u64 for XChaCha20-Poly1305 and iv[0,4) ‖ counter u64 for AES-256-GCM', () => {
    expect(toHex(nonceFor(iv, 5, AeadChoice.XCHACHA20_POLY1305))).toBe('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff0000000000000005');
    expect(toHex(nonceFor(iv, 2 ** 53 - 1, AeadChoice.AES_256_GCM))).toBe('f0f1f2f3001fffffffffffff');
  });

  it('the hot-path writer fills a view at any offset with the same bytes', () => {
    const counter = 123_456_789_012; // above 2^32: both halves of the u64 matter
    for (const [aead, bytes] of [[AeadChoice.XCHACHA20_POLY1305, 24], [AeadChoice.AES_256_GCM, 12]] as const) {
      const backing = new Uint8Array(bytes + 7);
      const out = writeCounterNonce(iv, counter, backing.subarray(7));
      expect(out).toEqual(nonceFor(iv, counter, aead));
    }
  });
});
