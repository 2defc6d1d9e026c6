/**
 * Raw deflate / capped raw inflate over node:zlib's sync API.
 *
 * Inflate semantics (the contract both backends share), in stream order:
 * - more than `cap` bytes decode before any error or end of input -> TOO_LARGE;
 * - otherwise a data error or running out of input -> CORRUPT;
 * - a complete stream followed by more bytes -> CORRUPT; else the output length.
 *
 * node:zlib checks `maxOutputLength` only between output chunks and discards the chunk's
 * output when zlib reports an error, so a CORRUPT from it may hide "the cap was passed first"
 * (e.g. a block that fills the cap, then a bad block header). Every CORRUPT is therefore
 * settled by {@link corruptOrTooLarge}; this runs only on the failure path.
 *
 * Arguments are already validated, and the level defaulted, by the checked layer (checked.ts).
 */
import { constants as bufferConstants } from 'node:buffer';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { UncheckedPrimitives } from '../checked.js';
import { PrimitiveStatus } from '../types.js';

/** node:zlib's Z_MIN_CHUNK. */
const MIN_CHUNK = 64;
/** Output chunk for inflate: cap + 1 (one allocation, one check) up to this size. */
const MAX_CHUNK = 64 * 1024;
/** maxOutputLength for a cap: one byte more, so "over the cap" is seen, within node's limit. */
const overCap = (cap: number): number => Math.min(cap + 1, bufferConstants.MAX_LENGTH);

type Status = typeof PrimitiveStatus.CORRUPT | typeof PrimitiveStatus.TOO_LARGE;

/** Maps a node:zlib exception to a status; anything that is not zlib's is rethrown. */
function statusOf(err: unknown): Status {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ERR_BUFFER_TOO_LARGE') return PrimitiveStatus.TOO_LARGE;
  if (typeof code === 'string' && code.startsWith('Z_')) return PrimitiveStatus.CORRUPT;
  throw err;
}

export const deflateSpan: UncheckedPrimitives['deflateRaw'] = (
  src,
  srcOffset,
  srcLength,
  dst,
  dstOffset,
  dstCapacity,
  level,
) => {
  // A raw deflate stream is never empty (even "" encodes as 03 00).
  if (dstCapacity === 0) return PrimitiveStatus.TOO_LARGE;
  let out: Buffer;
  try {
    out = deflateRawSync(src.subarray(srcOffset, srcOffset + srcLength), {
      level,
      maxOutputLength: dstCapacity,
    });
  } catch (err) {
    return statusOf(err);
  }
  dst.set(out, dstOffset);
  return out.length;
};

interface InflateInfo {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

export const inflateSpan: UncheckedPrimitives['inflateRaw'] = (
  src,
  srcOffset,
  srcLength,
  dst,
  dstOffset,
  dstCapacity,
) => {
  const input = src.subarray(srcOffset, srcOffset + srcLength);
  let result: InflateInfo;
  try {
    result = inflateRawSync(input, {
      chunkSize: Math.min(Math.max(dstCapacity + 1, MIN_CHUNK), MAX_CHUNK),
      maxOutputLength: overCap(dstCapacity), // >= 1 as node requires; "> cap" checked below
      info: true,
    }) as unknown as InflateInfo;
  } catch (err) {
    const status = statusOf(err);
    return status === PrimitiveStatus.CORRUPT ? corruptOrTooLarge(input, dstCapacity) : status;
  }
  const out = result.buffer;
  if (out.length > dstCapacity) return PrimitiveStatus.TOO_LARGE;
  if (result.engine.bytesWritten !== srcLength) return PrimitiveStatus.CORRUPT; // trailing bytes
  dst.set(out, dstOffset);
  return out.length;
};

/**
 * Bytes zlib decodes from input[0, end) without Z_FINISH (running out of input is then not an
 * error), or `cap + 1` if that is more than `cap`; null on a data error.
 */
function prefixOutput(input: Uint8Array, end: number, cap: number): number | null {
  try {
    return inflateRawSync(input.subarray(0, end), {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: overCap(cap),
    }).length;
  } catch (err) {
    return statusOf(err) === PrimitiveStatus.TOO_LARGE ? cap + 1 : null;
  }
}

/**
 * For input node:zlib rejected: TOO_LARGE if more than `cap` bytes decode before the error.
 * Data errors are prefix-monotone (a prefix that fails keeps failing as it grows), so a
 * binary search finds the longest prefix that decodes cleanly; its output is what precedes
 * the error. About log2(srcLength) small inflates, each stopped at cap + 1 bytes.
 */
function corruptOrTooLarge(input: Uint8Array, cap: number): Status {
  const whole = prefixOutput(input, input.length, cap);
  let before: number;
  if (whole !== null) {
    before = whole; // truncated, not malformed: everything decoded before input ran out
  } else {
    let good = 0;
    let bad = input.length;
    before = 0;
    while (bad - good > 1) {
      const mid = good + Math.floor((bad - good) / 2);
      const n = prefixOutput(input, mid, cap);
      if (n === null) {
        bad = mid;
      } else {
        good = mid;
        before = n;
        if (n > cap) break;
      }
    }
  }
  return before > cap ? PrimitiveStatus.TOO_LARGE : PrimitiveStatus.CORRUPT;
}
