/**
 * The shape of the compiled addon (build/Release/paperclip_native.node, native/addon.cc).
 * Arguments reach it already validated (validate.ts); the addon re-checks every bound and
 * throws TypeError/RangeError rather than read outside a buffer. Failures that are data,
 * not caller bugs, come back as negative {@link PrimitiveStatus} values.
 */
import type { AeadBatch, SpanBatch } from '../types.js';

/** (key, nonce, aad | null, src, srcOffset, srcLength, dst, dstOffset) -> length or AUTH_FAILED. */
export type NativeAeadOp = (
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array | null,
  src: Uint8Array,
  srcOffset: number,
  srcLength: number,
  dst: Uint8Array,
  dstOffset: number,
) => number;

/** Fills batch.results. */
export type NativeAeadBatchOp = (batch: AeadBatch) => void;

export interface NativeAddon {
  crc32(buf: Uint8Array, offset: number, length: number, seed: number): number;
  crc32Batch(
    buf: Uint8Array,
    offsets: Uint32Array,
    lengths: Uint32Array,
    count: number,
    results: Uint32Array,
  ): void;
  deflateRaw(
    src: Uint8Array,
    srcOffset: number,
    srcLength: number,
    dst: Uint8Array,
    dstOffset: number,
    dstCapacity: number,
    level: number,
  ): number;
  inflateRaw(
    src: Uint8Array,
    srcOffset: number,
    srcLength: number,
    dst: Uint8Array,
    dstOffset: number,
    dstCapacity: number,
  ): number;
  deflateRawBatch(batch: SpanBatch, level: number): void;
  inflateRawBatch(batch: SpanBatch): void;
  xchachaSeal: NativeAeadOp;
  xchachaOpen: NativeAeadOp;
  xchachaSealBatch: NativeAeadBatchOp;
  xchachaOpenBatch: NativeAeadBatchOp;
  aesGcmSeal: NativeAeadOp;
  aesGcmOpen: NativeAeadOp;
  aesGcmSealBatch: NativeAeadBatchOp;
  aesGcmOpenBatch: NativeAeadBatchOp;
}

const REQUIRED: readonly (keyof NativeAddon)[] = [
  'crc32',
  'crc32Batch',
  'deflateRaw',
  'inflateRaw',
  'deflateRawBatch',
  'inflateRawBatch',
  'xchachaSeal',
  'xchachaOpen',
  'xchachaSealBatch',
  'xchachaOpenBatch',
  'aesGcmSeal',
  'aesGcmOpen',
  'aesGcmSealBatch',
  'aesGcmOpenBatch',
];

/** Throws if a stale or foreign binary lacks an entry point, so the loader falls back to JS. */
export function assertNativeAddon(addon: NativeAddon): void {
  const record = addon as unknown as Record<string, unknown>;
  const missing = REQUIRED.filter((name) => typeof record[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(`native addon is missing ${missing.join(', ')} (rebuild it)`);
  }
}
