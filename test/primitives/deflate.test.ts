import { constants, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PrimitiveStatus, type Primitives, type SpanBatch } from '../../lib/primitives/types.js';
import { backends } from '../helpers/backends.js';
import { byteDiff } from '../helpers/bytes.js';
import { biasedSize, createPrng, payload } from '../helpers/random-inputs.js';

const { CORRUPT, TOO_LARGE } = PrimitiveStatus;
const SENTINEL = 0xa5;

const text = new TextEncoder().encode('paperclip '.repeat(200));
const textDeflated = new Uint8Array(deflateRawSync(text));

/** Inflates src (whole) into a fresh sentinel-filled buffer with `pad` bytes either side. */
function inflateInto(p: Primitives, src: Uint8Array, cap: number, pad = 8) {
  const dst = new Uint8Array(pad + cap + pad).fill(SENTINEL);
  const result = p.inflateRaw(src, 0, src.length, dst, pad, cap);
  return { result, dst, out: dst.subarray(pad, pad + Math.max(result, 0)) };
}

function guardsIntact(dst: Uint8Array, pad: number, written: number): boolean {
  return dst.subarray(0, pad).every((b) => b === SENTINEL) &&
    dst.subarray(pad + written).every((b) => b === SENTINEL);
}

describe.each(backends)('raw deflate ($backend backend)', (p) => {
  describe('caller bugs throw', () => {
    const src = new Uint8Array(32);
    const dst = new Uint8Array(64);

    it('throws if the dst span runs past its buffer', () => {
      expect(() => p.deflateRaw(src, 0, 32, dst, 1, 64)).toThrow(RangeError);
      expect(() => p.inflateRaw(src, 0, 32, dst, 60, 5)).toThrow(RangeError);
    });

    it('throws on bad src offsets or lengths', () => {
      expect(() => p.deflateRaw(src, 30, 3, dst, 0, 64)).toThrow(RangeError);
      expect(() => p.inflateRaw(src, -1, 1, dst, 0, 64)).toThrow(RangeError);
      expect(() => p.inflateRaw(src, 0, 1.5, dst, 0, 64)).toThrow(RangeError);
    });

    it('throws on non-Uint8Array buffers', () => {
      const notBytes = 'abc' as unknown as Uint8Array;
      expect(() => p.deflateRaw(notBytes, 0, 3, dst, 0, 64)).toThrow(TypeError);
      expect(() => p.inflateRaw(src, 0, 3, {} as Uint8Array, 0, 0)).toThrow(TypeError);
    });

    it('throws on a level outside 0..9', () => {
      for (const level of [-1, 10, 1.5, Number.NaN]) {
        expect(() => p.deflateRaw(src, 0, 32, dst, 0, 64, level)).toThrow(RangeError);
      }
    });

    it('batch throws on short typed arrays or out-of-range spans', () => {
      const batch = spanBatch(src, dst, [[0, 8, 0, 16], [8, 8, 16, 16]]);
      expect(() => p.deflateRawBatch({ ...batch, count: 3 })).toThrow(RangeError);
      expect(() => p.inflateRawBatch({ ...batch, results: new Int32Array(1) })).toThrow(RangeError);
      const wide = spanBatch(src, dst, [[0, 8, 60, 16]]);
      expect(() => p.inflateRawBatch(wide)).toThrow(RangeError);
      expect(() => p.deflateRawBatch(batch, 11)).toThrow(RangeError);
    });
  });

  describe('deflate', () => {
    it('matches node:zlib deflateRawSync at every level, default level 6', () => {
      for (let level = 0; level <= 9; level++) {
        const dst = new Uint8Array(4096);
        const n = p.deflateRaw(text, 0, text.length, dst, 0, dst.length, level);
        expect(dst.subarray(0, n)).toEqual(new Uint8Array(deflateRawSync(text, { level })));
      }
      const dst = new Uint8Array(4096);
      const n = p.deflateRaw(text, 0, text.length, dst, 0, dst.length);
      expect(dst.subarray(0, n)).toEqual(textDeflated);
    });

    it('encodes empty input as the 2-byte stream 03 00', () => {
      const dst = new Uint8Array(2);
      expect(p.deflateRaw(new Uint8Array(0), 0, 0, dst, 0, 2)).toBe(2);
      expect([...dst]).toEqual([0x03, 0x00]);
    });

    it('returns TOO_LARGE when the output does not fit, and fits exactly at its size', () => {
      const need = textDeflated.length;
      const dst = new Uint8Array(need + 16).fill(SENTINEL);
      expect(p.deflateRaw(text, 0, text.length, dst, 8, need - 1)).toBe(TOO_LARGE);
      expect(dst.subarray(need + 7).every((b) => b === SENTINEL)).toBe(true);
      expect(p.deflateRaw(text, 0, text.length, dst, 8, 0)).toBe(TOO_LARGE);
      expect(p.deflateRaw(text, 0, text.length, dst, 8, need)).toBe(need);
      expect(dst.subarray(8, 8 + need)).toEqual(textDeflated);
      expect(guardsIntact(dst, 8, need)).toBe(true);
    });
  });

  describe('inflate', () => {
    it('returns CORRUPT for malformed input', () => {
      expect(inflateInto(p, Uint8Array.of(0xff, 0xff, 0xff), 64).result).toBe(CORRUPT);
      // Stored block whose NLEN is not the complement of LEN.
      expect(inflateInto(p, Uint8Array.of(0x01, 0x05, 0x00, 0x00, 0x00), 64).result).toBe(CORRUPT);
      // Distance reaching back before the start of the output.
      const far = Uint8Array.of(0x63, 0x00, 0x42, 0x00, 0x00); // fixed block: 'a', match dist>1
      expect(inflateInto(p, far, 64).result).toBe(CORRUPT);
    });

    it('returns CORRUPT for empty and truncated input', () => {
      expect(inflateInto(p, new Uint8Array(0), 64).result).toBe(CORRUPT);
      for (const cut of [1, 2, textDeflated.length >> 1, textDeflated.length - 1]) {
        const r = inflateInto(p, textDeflated.subarray(0, cut), text.length);
        expect(r.result, `cut at ${cut}`).toBe(CORRUPT);
      }
    });

    it('returns CORRUPT for a stream with no final block, even on a 64 KiB boundary', () => {
      const plain = new Uint8Array(65536).fill(7);
      for (const level of [0, 6]) {
        const open = deflateRawSync(plain, { level, finishFlush: constants.Z_SYNC_FLUSH });
        expect(inflateInto(p, open, 65536).result).toBe(CORRUPT);
        expect(inflateInto(p, open, 1 << 20).result).toBe(CORRUPT);
        expect(inflateInto(p, open, 65535).result).toBe(TOO_LARGE);
      }
    });

    it('returns CORRUPT for trailing bytes after the final block', () => {
      for (const tail of [[0x00], [0x03, 0x00], [...textDeflated]]) {
        const src = Uint8Array.of(...textDeflated, ...tail);
        expect(inflateInto(p, src, text.length * 2).result).toBe(CORRUPT);
      }
    });

    it('succeeds when the output is exactly the capacity, TOO_LARGE one byte below', () => {
      const exact = inflateInto(p, textDeflated, text.length);
      expect(exact.result).toBe(text.length);
      expect(exact.out).toEqual(text);
      expect(guardsIntact(exact.dst, 8, text.length)).toBe(true);
      const under = inflateInto(p, textDeflated, text.length - 1);
      expect(under.result).toBe(TOO_LARGE);
      expect(guardsIntact(under.dst, 8, text.length - 1)).toBe(true);
    });

    it('handles empty output: 03 00 fits a zero capacity, anything more is TOO_LARGE', () => {
      expect(inflateInto(p, Uint8Array.of(0x03, 0x00), 0).result).toBe(0);
      expect(inflateInto(p, Uint8Array.of(0x4b, 0x04, 0x00), 0).result).toBe(TOO_LARGE); // "a"
      expect(inflateInto(p, Uint8Array.of(0x4b, 0x04, 0x00), 1).result).toBe(1);
    });

    it('is TOO_LARGE iff more than cap bytes decode before a data error or truncation', () => {
      const body = text.subarray(0, 300);
      for (const level of [0, 9]) {
        // 300 bytes in a non-final block, then an invalid block type (BFINAL=1, BTYPE=11).
        const head = deflateRawSync(body, { level, finishFlush: constants.Z_FULL_FLUSH });
        const broken = Uint8Array.of(...head, 0xff);
        for (const [cap, want] of [[0, TOO_LARGE], [10, TOO_LARGE], [62, TOO_LARGE],
          [63, TOO_LARGE], [100, TOO_LARGE], [299, TOO_LARGE], [300, CORRUPT], [301, CORRUPT],
          [5000, CORRUPT]] as const) {
          expect(inflateInto(p, broken, cap).result, `level ${level} cap ${cap}`).toBe(want);
        }
        // Same body, stream cut off before its end: CORRUPT unless the cap was passed first.
        expect(inflateInto(p, head, 299).result).toBe(TOO_LARGE);
        expect(inflateInto(p, head, 300).result).toBe(CORRUPT);
      }
    });
  });

  it('round-trips 150 seeded random payloads at random levels (seed 0xDEF1)', () => {
    const rng = createPrng(0xdef1);
    const dst = new Uint8Array(70_000 + 64);
    const back = new Uint8Array(65_536 + 64);
    for (let i = 0; i < 150; i++) {
      const n = biasedSize(rng);
      const data = payload(rng, n);
      const level = rng.int(10);
      const z = p.deflateRaw(data, 0, n, dst, 5, 70_000, level);
      const ref = new Uint8Array(deflateRawSync(data, { level }));
      const label = `case ${i} n=${n} level=${level}`;
      expect(byteDiff(dst.subarray(5, 5 + z), ref), label).toBeNull();
      const m = p.inflateRaw(dst, 5, z, back, 3, n);
      expect(m, label).toBe(n);
      expect(byteDiff(back.subarray(3, 3 + n), data), label).toBeNull();
    }
  });

  it('batch results and bytes equal the single-call forms', () => {
    const rng = createPrng(0xba7d);
    const parts = Array.from({ length: 24 }, () => payload(rng, rng.int(3000)));
    const src = concat(parts);
    const level = 3;
    const capacities = parts.map((part) => (rng.chance(0.2) ? rng.int(8) : part.length + 64));
    const zSpec = layout(parts.map((x) => x.length), capacities);
    const zDst = new Uint8Array(zSpec.total).fill(SENTINEL);
    const zBatch = spanBatch(src, zDst, zSpec.rows);
    p.deflateRawBatch(zBatch, level);
    const single = new Uint8Array(zSpec.total).fill(SENTINEL);
    const expected = zSpec.rows.map(([so, sl, dof, dc]) =>
      p.deflateRaw(src, so, sl, single, dof, dc, level),
    );
    expect([...zBatch.results]).toEqual(expected);
    expect(expected.filter((r) => r === TOO_LARGE).length).toBeGreaterThan(0);
    for (let i = 0; i < expected.length; i++) {
      const [, , dof] = zSpec.rows[i] as Row;
      const r = expected[i] as number;
      if (r > 0) {
        expect(byteDiff(zDst.subarray(dof, dof + r), single.subarray(dof, dof + r))).toBeNull();
      }
    }

    // Inflate the good ones (plus a corrupt and an over-cap entry) back in one batch.
    const rows: Row[] = [];
    const outCaps: number[] = [];
    expected.forEach((r, i) => {
      if (r < 0) return;
      const [, , dof] = zSpec.rows[i] as Row;
      rows.push([dof, r, 0, 0]);
      outCaps.push((parts[i] as Uint8Array).length);
    });
    outCaps[0] = Math.max(0, (outCaps[0] as number) - 1);
    const iSpec = layout(rows.map((row) => row[1]), outCaps);
    const iRows = rows.map((row, i) => [row[0], row[1], ...(iSpec.rows[i] as Row).slice(2)] as Row);
    iRows.push([0, 3, iSpec.total, 0]); // src bytes that are plaintext, not deflate
    const iDst = new Uint8Array(iSpec.total).fill(SENTINEL);
    const iBatch = spanBatch(zDst, iDst, iRows);
    p.inflateRawBatch(iBatch);
    const iSingle = new Uint8Array(iSpec.total).fill(SENTINEL);
    const iExpected = iRows.map(([so, sl, dof, dc]) =>
      p.inflateRaw(zDst, so, sl, iSingle, dof, dc),
    );
    expect([...iBatch.results]).toEqual(iExpected);
    expect(iExpected[0]).toBe(parts[0]?.length === 0 ? 0 : TOO_LARGE);
    expect(byteDiff(iDst, iSingle)).toBeNull();
  });
});

type Row = [srcOffset: number, srcLength: number, dstOffset: number, dstCapacity: number];

function spanBatch(src: Uint8Array, dst: Uint8Array, rows: readonly Row[]): SpanBatch {
  const col = (k: number) => Uint32Array.from(rows, (r) => r[k] as number);
  return {
    count: rows.length,
    src,
    srcOffsets: col(0),
    srcLengths: col(1),
    dst,
    dstOffsets: col(2),
    dstCapacities: col(3),
    results: new Int32Array(rows.length),
  };
}

/** Rows for parts laid end to end in src, with dst spans of `capacities` end to end. */
function layout(lengths: readonly number[], capacities: readonly number[]) {
  let so = 0;
  let dof = 0;
  const rows: Row[] = lengths.map((len, i) => {
    const cap = capacities[i] as number;
    const row: Row = [so, len, dof, cap];
    so += len;
    dof += cap;
    return row;
  });
  return { rows, total: dof };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}
