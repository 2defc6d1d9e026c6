/**
 * The CHECKSUM field is a CRC-32 of the whole datagram except the field itself, so header
 * corruption is caught too (the seed covered only the data). Computed as two continued runs,
 * with no copy.
 */
import type { Crc32 } from '../primitives/types.js';
import { Size } from './constants.js';

export function datagramChecksum(
  crc: Crc32,
  buf: Uint8Array,
  start: number,
  length: number,
  checksumOffset: number,
): number {
  const head = crc.crc32(buf, start, checksumOffset - start);
  const tailStart = checksumOffset + Size.CHECKSUM;
  return crc.crc32(buf, tailStart, start + length - tailStart, head);
}
