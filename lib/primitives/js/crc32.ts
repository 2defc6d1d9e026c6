/**
 * CRC-32 (IEEE 802.3, zlib's polynomial) via node:zlib's one-shot `crc32` (Node >= 20.15).
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import type { Crc32 } from '../types.js';
import { checkCrcBatch, checkCrcSeed, checkSpan } from '../validate.js';

function crc32Span(buf: Uint8Array, offset: number, length: number, seed: number): number {
  return zlibCrc32(buf.subarray(offset, offset + length), seed);
}

export const crc32: Crc32['crc32'] = (buf, offset, length, seed = 0) => {
  checkSpan('buf', buf, offset, length);
  checkCrcSeed(seed);
  return crc32Span(buf, offset, length, seed);
};

export const crc32Batch: Crc32['crc32Batch'] = (buf, offsets, lengths, count, results) => {
  checkCrcBatch(buf, offsets, lengths, count, results);
  for (let i = 0; i < count; i++) {
    results[i] = crc32Span(buf, offsets[i] as number, lengths[i] as number, 0);
  }
};
