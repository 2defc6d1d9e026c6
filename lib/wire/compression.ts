/**
 * The COMPRESSED flag's data transform: raw deflate, used only when it shrinks the data,
 * inflated into a hard cap. Failures map to error 3.8.
 */
import { primitives } from '../native.js';
import { PrimitiveStatus, type RawDeflate } from '../primitives/types.js';
import { ErrorCode, WireError } from './errors.js';

/** Deflated bytes, or null when deflate would not make the data smaller. */
export function compressData(data: Uint8Array, level = 6, deflate: RawDeflate = primitives): Uint8Array | null {
  if (data.length === 0) return null;
  const out = new Uint8Array(data.length - 1);
  const written = deflate.deflateRaw(data, 0, data.length, out, 0, out.length, level);
  return written < 0 ? null : out.subarray(0, written);
}

/**
 * Inflates at most `maxOutput` bytes; anything else is WireError 3.8. Pass `scratch` (at
 * least maxOutput bytes) on hot paths to avoid an allocation; the result is then a view of it.
 */
export function decompressData(
  data: Uint8Array,
  maxOutput: number,
  deflate: RawDeflate = primitives,
  scratch?: Uint8Array,
): Uint8Array {
  const out = scratch !== undefined && scratch.length >= maxOutput ? scratch : new Uint8Array(maxOutput);
  const written = deflate.inflateRaw(data, 0, data.length, out, 0, maxOutput);
  if (written === PrimitiveStatus.TOO_LARGE) {
    throw new WireError(ErrorCode.COMPRESSION, `decompressed data exceeds ${maxOutput} bytes`);
  }
  if (written < 0) throw new WireError(ErrorCode.COMPRESSION, 'compressed data is malformed');
  return out.subarray(0, written);
}
