/**
 * CRC-32 (IEEE 802.3, zlib's polynomial) via node:zlib's one-shot `crc32` (Node >= 20.15).
 * Arguments are already validated by the checked layer (checked.ts).
 */
import { crc32 as zlibCrc32 } from 'node:zlib';

export function crc32Span(buf: Uint8Array, offset: number, length: number, seed: number): number {
  return zlibCrc32(buf.subarray(offset, offset + length), seed);
}
