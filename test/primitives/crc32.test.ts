import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { biasedSize, createPrng, payload } from '../helpers/random-inputs.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe.each(backends)('crc32 ($backend backend)', (p) => {
  describe('caller bugs throw', () => {
    const buf = new Uint8Array(16);

    it('throws if the span runs past the buffer', () => {
      expect(() => p.crc32(buf, 8, 9)).toThrow(RangeError);
      expect(() => p.crc32(buf, 17, 0)).toThrow(RangeError);
    });

    it('throws on negative or fractional offsets and lengths', () => {
      expect(() => p.crc32(buf, -1, 1)).toThrow(RangeError);
      expect(() => p.crc32(buf, 0, -1)).toThrow(RangeError);
      expect(() => p.crc32(buf, 0.5, 1)).toThrow(RangeError);
      expect(() => p.crc32(buf, 0, Number.NaN)).toThrow(RangeError);
    });

    it('throws if buf is not a Uint8Array', () => {
      expect(() => p.crc32([1, 2, 3] as unknown as Uint8Array, 0, 3)).toThrow(TypeError);
    });

    it('throws if the seed is not a uint32', () => {
      expect(() => p.crc32(buf, 0, 1, -1)).toThrow(RangeError);
      expect(() => p.crc32(buf, 0, 1, 2 ** 32)).toThrow(RangeError);
      expect(() => p.crc32(buf, 0, 1, 1.5)).toThrow(RangeError);
    });

    it('batch throws if results is shorter than count or a span is out of range', () => {
      const offsets = Uint32Array.of(0, 4);
      const lengths = Uint32Array.of(4, 4);
      expect(() => p.crc32Batch(buf, offsets, lengths, 2, new Uint32Array(1))).toThrow(RangeError);
      expect(() => p.crc32Batch(buf, offsets, lengths, 3, new Uint32Array(3))).toThrow(RangeError);
      const bad = Uint32Array.of(0, 13);
      expect(() => p.crc32Batch(buf, bad, lengths, 2, new Uint32Array(2))).toThrow(RangeError);
    });
  });

  it('matches the check value CRC-32("123456789") = 0xCBF43926', () => {
    expect(p.crc32(ascii('123456789'), 0, 9)).toBe(0xcbf43926);
  });

  it('is 0 for empty input and returns the seed unchanged for an empty span', () => {
    expect(p.crc32(new Uint8Array(0), 0, 0)).toBe(0);
    expect(p.crc32(new Uint8Array(4), 4, 0, 0xdeadbeef)).toBe(0xdeadbeef);
  });

  it('continues from a seed: crc(b, crc(a)) equals crc(a || b)', () => {
    const data = ascii('xx123456789yy');
    const first = p.crc32(data, 2, 4);
    expect(p.crc32(data, 6, 5, first)).toBe(0xcbf43926);
  });

  it('returns an unsigned value for inputs with the top bit set', () => {
    const v = p.crc32(ascii('a'), 0, 1);
    expect(v).toBe(0xe8b7be43);
    expect(v).toBeGreaterThan(0x7fffffff);
  });

  it('agrees with node:zlib on 200 seeded random spans (seed 0xC0C0)', () => {
    const rng = createPrng(0xc0c0);
    for (let i = 0; i < 200; i++) {
      const n = biasedSize(rng);
      const pad = rng.int(9);
      const buf = new Uint8Array(pad + n + rng.int(9));
      buf.set(payload(rng, n), pad);
      const seed = rng.chance(0.5) ? 0 : rng.u32();
      const span = buf.subarray(pad, pad + n);
      expect(p.crc32(buf, pad, n, seed), `case ${i}, n=${n}`).toBe(zlibCrc32(span, seed));
    }
  });

  it('batch results equal the single-call results, count 0 writes nothing', () => {
    const rng = createPrng(0xba7c);
    const buf = rng.bytes(20_000);
    const count = 64;
    const offsets = new Uint32Array(count);
    const lengths = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      lengths[i] = rng.int(2000);
      offsets[i] = rng.int(buf.length - (lengths[i] as number) + 1);
    }
    const results = new Uint32Array(count + 1).fill(7);
    p.crc32Batch(buf, offsets, lengths, count, results);
    for (let i = 0; i < count; i++) {
      expect(results[i]).toBe(p.crc32(buf, offsets[i] as number, lengths[i] as number));
    }
    expect(results[count]).toBe(7);
    const untouched = Uint32Array.of(7);
    p.crc32Batch(buf, offsets, lengths, 0, untouched);
    expect(untouched[0]).toBe(7);
  });
});
