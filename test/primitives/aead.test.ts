import { describe, expect, it } from 'vitest';
import {
  PrimitiveStatus,
  type Aead,
  type AeadAlgorithm,
  type AeadBatch,
} from '../../lib/primitives/types.js';
import { backends } from '../helpers/backends.js';
import { byteDiff, fromHex, toHex } from '../helpers/bytes.js';
import { biasedSize, createPrng, type Prng } from '../helpers/random-inputs.js';

const { AUTH_FAILED } = PrimitiveStatus;
const SENTINEL = 0x5a;
const ALGORITHMS: readonly AeadAlgorithm[] = ['xchacha20poly1305', 'aes256gcm'];
const NONCE_BYTES: Record<AeadAlgorithm, number> = { xchacha20poly1305: 24, aes256gcm: 12 };

const suites = backends.flatMap((p) =>
  ALGORITHMS.map((algorithm) => ({ label: `${algorithm} (${p.backend})`, aead: p[algorithm] })),
);

interface Sealed {
  key: Uint8Array;
  nonce: Uint8Array;
  aad: Uint8Array | null;
  plain: Uint8Array;
  boxed: Uint8Array;
}

function sealFresh(aead: Aead, rng: Prng, plainLength: number, withAad: boolean): Sealed {
  const key = rng.bytes(32);
  const nonce = rng.bytes(aead.nonceBytes);
  const aad = withAad ? rng.bytes(1 + rng.int(40)) : null;
  const plain = rng.bytes(plainLength);
  const boxed = new Uint8Array(plainLength + 16);
  expect(aead.seal(key, nonce, aad, plain, 0, plainLength, boxed, 0)).toBe(plainLength + 16);
  return { key, nonce, aad, plain, boxed };
}

/** Opens `boxed` into a sentinel-filled buffer; checks nothing outside the span was written. */
function openChecked(aead: Aead, s: Omit<Sealed, 'plain'>): number {
  const pad = 7;
  const room = Math.max(0, s.boxed.length - 16);
  const dst = new Uint8Array(pad + room + pad).fill(SENTINEL);
  const r = aead.open(s.key, s.nonce, s.aad, s.boxed, 0, s.boxed.length, dst, pad);
  expect(dst.subarray(0, pad).every((b) => b === SENTINEL)).toBe(true);
  expect(dst.subarray(pad + room).every((b) => b === SENTINEL)).toBe(true);
  return r;
}

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] as number) ^ 0x01;
  return copy;
}

describe.each(suites)('$label', ({ aead }) => {
  const nb = aead.nonceBytes;

  describe('caller bugs throw', () => {
    const key = new Uint8Array(32);
    const nonce = new Uint8Array(nb);
    const src = new Uint8Array(64);

    it('throws on a key that is not 32 bytes', () => {
      const dst = new Uint8Array(80);
      for (const bad of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(0)]) {
        expect(() => aead.seal(bad, nonce, null, src, 0, 64, dst, 0)).toThrow(RangeError);
        expect(() => aead.open(bad, nonce, null, dst, 0, 80, src, 0)).toThrow(RangeError);
      }
    });

    it(`throws on a nonce that is not ${nb} bytes`, () => {
      const dst = new Uint8Array(80);
      for (const len of [nb - 1, nb + 1, nb === 24 ? 12 : 24]) {
        const bad = new Uint8Array(len);
        expect(() => aead.seal(key, bad, null, src, 0, 64, dst, 0)).toThrow(RangeError);
        expect(() => aead.open(key, bad, null, dst, 0, 80, src, 0)).toThrow(RangeError);
      }
    });

    it('throws if the output span is too small (seal needs n + 16, open n - 16)', () => {
      const out = (n: number) => new Uint8Array(n);
      expect(() => aead.seal(key, nonce, null, src, 0, 64, out(79), 0)).toThrow(RangeError);
      expect(() => aead.seal(key, nonce, null, src, 0, 64, out(80), 1)).toThrow(RangeError);
      expect(() => aead.open(key, nonce, null, src, 0, 64, out(47), 0)).toThrow(RangeError);
    });

    it('throws on bad src spans and non-Uint8Array arguments', () => {
      const dst = new Uint8Array(100);
      expect(() => aead.seal(key, nonce, null, src, 60, 5, dst, 0)).toThrow(RangeError);
      expect(() => aead.seal(key, nonce, null, src, -1, 5, dst, 0)).toThrow(RangeError);
      expect(() => aead.open(key, nonce, null, src, 0, 0.5, dst, 0)).toThrow(RangeError);
      const notAad = 'aad' as unknown as Uint8Array;
      expect(() => aead.seal(key, nonce, notAad, src, 0, 8, dst, 0)).toThrow(TypeError);
      const notKey = Array.from(key) as unknown as Uint8Array;
      expect(() => aead.seal(notKey, nonce, null, src, 0, 8, dst, 0)).toThrow(TypeError);
    });

    it('batch throws on a bad key index, short nonces, or too little dst capacity', () => {
      const batch = (over: Partial<AeadBatch>): AeadBatch => ({
        count: 1,
        src,
        srcOffsets: Uint32Array.of(0),
        srcLengths: Uint32Array.of(32),
        dst: new Uint8Array(64),
        dstOffsets: Uint32Array.of(0),
        dstCapacities: Uint32Array.of(48),
        results: new Int32Array(1),
        keys: new Uint8Array(64),
        keyIndex: Uint32Array.of(1),
        nonces: new Uint8Array(nb),
        aadOffsets: Uint32Array.of(0),
        aadLengths: Uint32Array.of(0),
        ...over,
      });
      expect(() => aead.sealBatch(batch({}))).not.toThrow();
      expect(() => aead.sealBatch(batch({ keyIndex: Uint32Array.of(2) }))).toThrow(RangeError);
      expect(() => aead.sealBatch(batch({ nonces: new Uint8Array(nb - 1) }))).toThrow(RangeError);
      const caps = (n: number) => ({ dstCapacities: Uint32Array.of(n) });
      expect(() => aead.sealBatch(batch(caps(47)))).toThrow(RangeError);
      expect(() => aead.openBatch(batch(caps(15)))).toThrow(RangeError);
      expect(() => aead.openBatch(batch({ aadLengths: Uint32Array.of(65) }))).toThrow(RangeError);
      expect(() => aead.openBatch(batch({ count: 2 }))).toThrow(RangeError);
    });
  });

  it('describes itself: 32-byte key, 16-byte tag', () => {
    expect(aead.keyBytes).toBe(32);
    expect(aead.tagBytes).toBe(16);
    expect(aead.nonceBytes).toBe(NONCE_BYTES[aead.algorithm]);
  });

  describe('rejects tampering with AUTH_FAILED and writes nothing outside dst', () => {
    const rng = createPrng(0x7a3e);
    const s = sealFresh(aead, rng, 100, true);

    it('opens the untampered box (control)', () => {
      expect(openChecked(aead, s)).toBe(100);
    });

    it('tampered tag, first and last byte', () => {
      expect(openChecked(aead, { ...s, boxed: flip(s.boxed, 100) })).toBe(AUTH_FAILED);
      expect(openChecked(aead, { ...s, boxed: flip(s.boxed, 115) })).toBe(AUTH_FAILED);
    });

    it('tampered ciphertext, first and last byte', () => {
      expect(openChecked(aead, { ...s, boxed: flip(s.boxed, 0) })).toBe(AUTH_FAILED);
      expect(openChecked(aead, { ...s, boxed: flip(s.boxed, 99) })).toBe(AUTH_FAILED);
    });

    it('tampered, missing, or extra AAD', () => {
      const aad = s.aad as Uint8Array;
      expect(openChecked(aead, { ...s, aad: flip(aad, aad.length - 1) })).toBe(AUTH_FAILED);
      expect(openChecked(aead, { ...s, aad: null })).toBe(AUTH_FAILED);
      expect(openChecked(aead, { ...s, aad: aad.subarray(1) })).toBe(AUTH_FAILED);
      const noAad = sealFresh(aead, rng, 10, false);
      expect(openChecked(aead, { ...noAad, aad: Uint8Array.of(0) })).toBe(AUTH_FAILED);
    });

    it('wrong nonce or key', () => {
      expect(openChecked(aead, { ...s, nonce: flip(s.nonce, nb - 1) })).toBe(AUTH_FAILED);
      expect(openChecked(aead, { ...s, key: flip(s.key, 31) })).toBe(AUTH_FAILED);
    });

    it('ciphertext shorter than the 16-byte tag', () => {
      for (let n = 0; n < 16; n++) {
        expect(openChecked(aead, { ...s, boxed: s.boxed.subarray(0, n) })).toBe(AUTH_FAILED);
      }
    });

    it('a truncated or extended box', () => {
      expect(openChecked(aead, { ...s, boxed: s.boxed.subarray(0, 115) })).toBe(AUTH_FAILED);
      expect(openChecked(aead, { ...s, boxed: Uint8Array.of(...s.boxed, 0) })).toBe(AUTH_FAILED);
    });
  });

  it('seals an empty plaintext to a bare tag that opens to 0 bytes', () => {
    const s = sealFresh(aead, createPrng(1), 0, true);
    expect(s.boxed.length).toBe(16);
    expect(openChecked(aead, s)).toBe(0);
  });

  it('treats null AAD and empty AAD the same', () => {
    const rng = createPrng(2);
    const s = sealFresh(aead, rng, 33, false);
    const again = new Uint8Array(49);
    aead.seal(s.key, s.nonce, new Uint8Array(0), s.plain, 0, 33, again, 0);
    expect(toHex(again)).toBe(toHex(s.boxed));
    expect(openChecked(aead, { ...s, aad: new Uint8Array(0) })).toBe(33);
  });

  it('seals and opens in place (dst aliases src at the same offset)', () => {
    const rng = createPrng(3);
    const s = sealFresh(aead, rng, 1000, true);
    const buf = new Uint8Array(8 + 1016 + 8);
    buf.set(s.plain, 8);
    expect(aead.seal(s.key, s.nonce, s.aad, buf, 8, 1000, buf, 8)).toBe(1016);
    expect(byteDiff(buf.subarray(8, 1024), s.boxed)).toBeNull();
    expect(aead.open(s.key, s.nonce, s.aad, buf, 8, 1016, buf, 8)).toBe(1000);
    expect(byteDiff(buf.subarray(8, 1008), s.plain)).toBeNull();
  });

  it('round-trips 120 seeded random messages with and without AAD (seed 0xAEAD)', () => {
    const rng = createPrng(0xaead);
    for (let i = 0; i < 120; i++) {
      const n = biasedSize(rng);
      const s = sealFresh(aead, rng, n, rng.chance(0.5));
      const out = new Uint8Array(n + 3);
      expect(aead.open(s.key, s.nonce, s.aad, s.boxed, 0, n + 16, out, 3), `case ${i}`).toBe(n);
      expect(byteDiff(out.subarray(3), s.plain), `case ${i} n=${n}`).toBeNull();
    }
  });

  it('batch seal/open equal the single-call forms (shared keys, AAD spans in src)', () => {
    const rng = createPrng(0xba7e);
    const count = 20;
    const keys = rng.bytes(32 * 3);
    const nonces = rng.bytes(nb * count);
    const lengths = Array.from({ length: count }, () => rng.int(600));
    const aadLengths = lengths.map(() => (rng.chance(0.5) ? 0 : 1 + rng.int(20)));
    // src: [aad_i][plain_i] per op; dst spans of plain_i + 16 end to end.
    const srcOffsets: number[] = [];
    const aadOffsets: number[] = [];
    const dstOffsets: number[] = [];
    let at = 0;
    let out = 0;
    for (let i = 0; i < count; i++) {
      aadOffsets.push(at);
      at += aadLengths[i] as number;
      srcOffsets.push(at);
      at += lengths[i] as number;
      dstOffsets.push(out);
      out += (lengths[i] as number) + 16;
    }
    const src = rng.bytes(at);
    const sealed: AeadBatch = {
      count,
      src,
      srcOffsets: Uint32Array.from(srcOffsets),
      srcLengths: Uint32Array.from(lengths),
      dst: new Uint8Array(out),
      dstOffsets: Uint32Array.from(dstOffsets),
      dstCapacities: Uint32Array.from(lengths, (n) => n + 16),
      results: new Int32Array(count),
      keys,
      keyIndex: Uint32Array.from(lengths, () => rng.int(3)),
      nonces,
      aadOffsets: Uint32Array.from(aadOffsets),
      aadLengths: Uint32Array.from(aadLengths),
    };
    aead.sealBatch(sealed);
    const single = (i: number) => {
      const k = (sealed.keyIndex[i] as number) * 32;
      const a = aadOffsets[i] as number;
      return {
        key: keys.subarray(k, k + 32),
        nonce: nonces.subarray(i * nb, (i + 1) * nb),
        aad: aadLengths[i] === 0 ? null : src.subarray(a, a + (aadLengths[i] as number)),
      };
    };
    for (let i = 0; i < count; i++) {
      const { key, nonce, aad } = single(i);
      const n = lengths[i] as number;
      const one = new Uint8Array(n + 16);
      expect(aead.seal(key, nonce, aad, src, srcOffsets[i] as number, n, one, 0)).toBe(n + 16);
      expect(sealed.results[i]).toBe(n + 16);
      const d = dstOffsets[i] as number;
      expect(byteDiff(sealed.dst.subarray(d, d + n + 16), one), `op ${i}`).toBeNull();
    }

    // Open the sealed boxes; AAD spans must now live in the box buffer, so rebuild src.
    const boxes = new Uint8Array(at + out);
    boxes.set(src, 0);
    boxes.set(sealed.dst, at);
    const tampered = 4;
    const hit = at + (dstOffsets[tampered] as number);
    boxes[hit] = (boxes[hit] as number) ^ 0x80;
    const opened: AeadBatch = {
      ...sealed,
      src: boxes,
      srcOffsets: Uint32Array.from(dstOffsets, (d) => at + d),
      srcLengths: Uint32Array.from(lengths, (n) => n + 16),
      dst: new Uint8Array(at),
      dstOffsets: Uint32Array.from(srcOffsets),
      dstCapacities: Uint32Array.from(lengths),
      results: new Int32Array(count),
    };
    aead.openBatch(opened);
    for (let i = 0; i < count; i++) {
      const { key, nonce, aad } = single(i);
      const n = lengths[i] as number;
      const one = new Uint8Array(n);
      const so = opened.srcOffsets[i] as number;
      const r = aead.open(key, nonce, aad, boxes, so, n + 16, one, 0);
      expect(opened.results[i], `op ${i}`).toBe(r);
      expect(r).toBe(i === tampered ? AUTH_FAILED : n);
      if (r >= 0) {
        const o = srcOffsets[i] as number;
        expect(byteDiff(opened.dst.subarray(o, o + n), src.subarray(o, o + n))).toBeNull();
      }
    }
  });
});

describe.each(backends)('published AEAD vectors ($backend backend)', (p) => {
  interface Vector {
    key: string;
    nonce: string;
    aad: string | null;
    plain: string;
    ct: string;
    tag: string;
  }
  const check = (aead: Aead, v: Vector) => {
    const plain = fromHex(v.plain);
    const aad = v.aad === null ? null : fromHex(v.aad);
    const boxed = new Uint8Array(plain.length + 16);
    expect(aead.seal(fromHex(v.key), fromHex(v.nonce), aad, plain, 0, plain.length, boxed, 0)).toBe(
      plain.length + 16,
    );
    expect(toHex(boxed)).toBe(v.ct.replace(/\s+/g, '') + v.tag);
    const back = new Uint8Array(plain.length);
    expect(aead.open(fromHex(v.key), fromHex(v.nonce), aad, boxed, 0, boxed.length, back, 0)).toBe(
      plain.length,
    );
    expect(toHex(back)).toBe(toHex(plain));
  };

  it('XChaCha20-Poly1305: draft-irtf-cfrg-xchacha-03 §A.3.1', () => {
    const sunscreen =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the " +
      'future, sunscreen would be it.';
    check(p.xchacha20poly1305, {
      key: '808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f',
      nonce: '404142434445464748494a4b4c4d4e4f5051525354555657',
      aad: '50515253c0c1c2c3c4c5c6c7',
      plain: Buffer.from(sunscreen, 'latin1').toString('hex'),
      ct: `bd6d179d3e83d43b9576579493c0e939 572a1700252bfaccbed2902c21396cbb
           731c7f1b0b4aa6440bf3a82f4eda7e39 ae64c6708c54c216cb96b72e1213b452
           2f8c9ba40db5d945b11b69b982c1bb9e 3f3fac2bc369488f76b2383565d3fff9
           21f9664c97637da9768812f615c68b13 b52e`,
      tag: 'c0875924c1c7987947deafd8780acf49',
    });
  });

  // McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", test cases 13-16
  // (256-bit key), as used by NIST SP 800-38D validation.
  it('AES-256-GCM: GCM spec test case 13 (empty plaintext, zero key)', () => {
    check(p.aes256gcm, {
      key: '00'.repeat(32),
      nonce: '00'.repeat(12),
      aad: null,
      plain: '',
      ct: '',
      tag: '530f8afbc74536b9a963b4f1c4cb738b',
    });
  });

  it('AES-256-GCM: GCM spec test case 14 (one zero block, zero key)', () => {
    check(p.aes256gcm, {
      key: '00'.repeat(32),
      nonce: '00'.repeat(12),
      aad: null,
      plain: '00'.repeat(16),
      ct: 'cea7403d4d606b6e074ec5d3baf39d18',
      tag: 'd0d1c8a799996bf0265b98b5d48ab919',
    });
  });

  const K = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
  const P = `d9313225f88406e5a55909c5aff5269a 86a7a9531534f7da2e4c303d8a318a72
             1c3c0c95956809532fcf0e2449a6b525 b16aedf5aa0de657ba637b39`;
  const C = `522dc1f099567d07f47f37a32a84427d 643a8cdcbfe5c0c97598a2bd2555d1aa
             8cb08e48590dbb3da7b08b1056828838 c5f61e6393ba7a0abcc9f662`;

  it('AES-256-GCM: GCM spec test case 15 (64-byte plaintext, no AAD)', () => {
    check(p.aes256gcm, {
      key: K,
      nonce: 'cafebabefacedbaddecaf888',
      aad: null,
      plain: `${P}1aafd255`,
      ct: `${C}898015ad`,
      tag: 'b094dac5d93471bdec1a502270e3cc6c',
    });
  });

  it('AES-256-GCM: GCM spec test case 16 (60-byte plaintext, 20-byte AAD)', () => {
    check(p.aes256gcm, {
      key: K,
      nonce: 'cafebabefacedbaddecaf888',
      aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
      plain: P.replace(/\s+/g, ''),
      ct: C,
      tag: '76fc6ece0f4e1768cddf8853bb2d551b',
    });
  });
});
