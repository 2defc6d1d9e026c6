/**
 * Decompression bombs: the cap must stop inflate early, without allocating the output.
 *
 * Construction: raw-deflate 1 MiB of zeros at level 9 with Z_FULL_FLUSH. A full flush resets
 * the dictionary and byte-aligns the output, so that 1,037-byte segment decodes the same
 * wherever it appears; N copies followed by an empty final block (03 00) inflate to N MiB of
 * zeros. N = 1 gives a ~1 KiB input for 1 MiB (ratio ~1011:1, about deflate's 1032:1 limit);
 * N = 1024 gives ~1 MiB of input for 1 GiB of output.
 */
import { constants, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PrimitiveStatus, type SpanBatch } from '../../lib/primitives/types.js';
import { backends } from '../helpers/backends.js';

const { TOO_LARGE } = PrimitiveStatus;

const MiB = 1 << 20;
const segment = deflateRawSync(new Uint8Array(MiB), {
  level: 9,
  finishFlush: constants.Z_FULL_FLUSH,
});
const finalBlock = Uint8Array.of(0x03, 0x00);

function bomb(mebibytes: number): Uint8Array {
  const out = new Uint8Array(segment.length * mebibytes + finalBlock.length);
  for (let i = 0; i < mebibytes; i++) out.set(segment, i * segment.length);
  out.set(finalBlock, segment.length * mebibytes);
  return out;
}

const small = bomb(1);
const big = bomb(1024);

describe.each(backends)('inflate bombs ($backend backend)', (p) => {
  it('the construction is valid: 3 segments inflate to exactly 3 MiB of zeros', () => {
    const src = bomb(3);
    const dst = new Uint8Array(3 * MiB).fill(1);
    expect(p.inflateRaw(src, 0, src.length, dst, 0, dst.length)).toBe(3 * MiB);
    expect(dst.every((b) => b === 0)).toBe(true);
  });

  it(`${small.length} bytes -> 1 MiB: TOO_LARGE under a 64 KiB cap, exact at 1 MiB`, () => {
    const dst = new Uint8Array(MiB);
    expect(p.inflateRaw(small, 0, small.length, dst, 0, 64 * 1024)).toBe(TOO_LARGE);
    expect(p.inflateRaw(small, 0, small.length, dst, 0, MiB - 1)).toBe(TOO_LARGE);
    expect(p.inflateRaw(small, 0, small.length, dst, 0, MiB)).toBe(MiB);
  });

  it(`${big.length} bytes -> 1 GiB: TOO_LARGE fast under a 64 KiB cap, without the 1 GiB`, () => {
    const dst = new Uint8Array(64 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) {
      expect(p.inflateRaw(big, 0, big.length, dst, 0, dst.length)).toBe(TOO_LARGE);
    }
    const ms = performance.now() - t0;
    const grown = process.memoryUsage().rss - rssBefore;
    // Inflating it all takes ~5 s and 1 GiB here; 20 capped calls take a few ms.
    expect(ms).toBeLessThan(1000);
    expect(grown).toBeLessThan(128 * MiB);
  });

  it('the batch form stops every bomb at its cap', () => {
    const dst = new Uint8Array(2 * 65536 + 1000);
    const batch: SpanBatch = {
      count: 3,
      src: big,
      srcOffsets: Uint32Array.of(0, 0, 0),
      srcLengths: Uint32Array.of(big.length, big.length, big.length),
      dst,
      dstOffsets: Uint32Array.of(0, 65536, 131072),
      dstCapacities: Uint32Array.of(65536, 65536, 1000),
      results: new Int32Array(3),
    };
    p.inflateRawBatch(batch);
    expect([...batch.results]).toEqual([TOO_LARGE, TOO_LARGE, TOO_LARGE]);
  });
});
