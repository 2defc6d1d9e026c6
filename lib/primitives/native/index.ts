/**
 * The native backend: the same {@link Primitives} as the JS twin, over the C++ addon.
 * Arguments are validated here with the shared checks (validate.ts), so a caller bug raises
 * the same readable error on either backend; the addon then asserts the bounds again.
 */
import { PrimitiveStatus } from '../types.js';
import type { Aead, AeadAlgorithm, Primitives } from '../types.js';
import {
  checkAeadBatch,
  checkAeadCall,
  checkCrcBatch,
  checkCrcSeed,
  checkLevel,
  checkSpan,
  checkSpanBatch,
} from '../validate.js';
import {
  assertNativeAddon,
  type NativeAddon,
  type NativeAeadBatchOp,
  type NativeAeadOp,
} from './addon.js';

export type { NativeAddon } from './addon.js';

const DEFAULT_LEVEL = 6;
const TAG = 16;

interface NativeAeadOps {
  readonly algorithm: AeadAlgorithm;
  readonly nonceBytes: number;
  readonly seal: NativeAeadOp;
  readonly open: NativeAeadOp;
  readonly sealBatch: NativeAeadBatchOp;
  readonly openBatch: NativeAeadBatchOp;
}

function createAead(ops: NativeAeadOps): Aead {
  const { nonceBytes } = ops;
  return Object.freeze({
    algorithm: ops.algorithm,
    keyBytes: 32,
    nonceBytes,
    tagBytes: 16,
    seal(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset) {
      checkAeadCall(key, nonce, nonceBytes, aad, src, srcOffset, srcLength, dst, dstOffset, srcLength + TAG);
      return ops.seal(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset);
    },
    open(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset) {
      const plainLength = Math.max(0, srcLength - TAG);
      checkAeadCall(key, nonce, nonceBytes, aad, src, srcOffset, srcLength, dst, dstOffset, plainLength);
      if (srcLength < TAG) return PrimitiveStatus.AUTH_FAILED;
      return ops.open(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset);
    },
    sealBatch(batch) {
      checkAeadBatch(batch, nonceBytes, true);
      ops.sealBatch(batch);
    },
    openBatch(batch) {
      checkAeadBatch(batch, nonceBytes, false);
      ops.openBatch(batch);
    },
  } satisfies Aead);
}

export function createNativePrimitives(addon: NativeAddon): Primitives {
  assertNativeAddon(addon);
  return Object.freeze({
    backend: 'native',
    crc32(buf, offset, length, seed = 0) {
      checkSpan('buf', buf, offset, length);
      checkCrcSeed(seed);
      return addon.crc32(buf, offset, length, seed);
    },
    crc32Batch(buf, offsets, lengths, count, results) {
      checkCrcBatch(buf, offsets, lengths, count, results);
      addon.crc32Batch(buf, offsets, lengths, count, results);
    },
    deflateRaw(src, srcOffset, srcLength, dst, dstOffset, dstCapacity, level = DEFAULT_LEVEL) {
      checkSpan('src', src, srcOffset, srcLength);
      checkSpan('dst', dst, dstOffset, dstCapacity);
      checkLevel(level);
      return addon.deflateRaw(src, srcOffset, srcLength, dst, dstOffset, dstCapacity, level);
    },
    inflateRaw(src, srcOffset, srcLength, dst, dstOffset, dstCapacity) {
      checkSpan('src', src, srcOffset, srcLength);
      checkSpan('dst', dst, dstOffset, dstCapacity);
      return addon.inflateRaw(src, srcOffset, srcLength, dst, dstOffset, dstCapacity);
    },
    deflateRawBatch(batch, level = DEFAULT_LEVEL) {
      checkSpanBatch(batch);
      checkLevel(level);
      addon.deflateRawBatch(batch, level);
    },
    inflateRawBatch(batch) {
      checkSpanBatch(batch);
      addon.inflateRawBatch(batch);
    },
    xchacha20poly1305: createAead({
      algorithm: 'xchacha20poly1305',
      nonceBytes: 24,
      seal: addon.xchachaSeal,
      open: addon.xchachaOpen,
      sealBatch: addon.xchachaSealBatch,
      openBatch: addon.xchachaOpenBatch,
    }),
    aes256gcm: createAead({
      algorithm: 'aes256gcm',
      nonceBytes: 12,
      seal: addon.aesGcmSeal,
      open: addon.aesGcmOpen,
      sealBatch: addon.aesGcmSealBatch,
      openBatch: addon.aesGcmOpenBatch,
    }),
  } satisfies Primitives);
}
