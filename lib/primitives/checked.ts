/**
 * The one argument-checking layer both backends share. A backend supplies unchecked
 * operations; this wraps them in the public {@link Primitives}, validating every call with
 * validate.ts and applying the defaults first, so a caller bug raises the same readable error
 * whichever backend is live and each backend's code can assume well-formed arguments.
 *
 * The wrappers are built once per backend; a call costs the checks plus one extra call, with
 * no allocation or closure per call (this is the hot path).
 */
import { PrimitiveStatus } from './types.js';
import type { Aead, BackendName, Crc32, Primitives, RawDeflate, X25519 } from './types.js';
import {
  checkAeadBatch,
  checkAeadCall,
  checkCrcBatch,
  checkCrcSeed,
  checkExactLength,
  checkLevel,
  checkSpan,
  checkSpanBatch,
} from './validate.js';

/** F with its optional parameters required: the checked layer has filled in the defaults. */
type Defaulted<F extends (...args: never[]) => unknown> = (
  ...args: Required<Parameters<F>>
) => ReturnType<F>;

/**
 * An AEAD as a backend provides it: the {@link Aead} operations, arguments already validated.
 * `open` is never called with srcLength < 16 (the checked layer answers AUTH_FAILED itself),
 * but `openBatch` must answer AUTH_FAILED for such entries.
 */
export type UncheckedAead = Pick<
  Aead,
  'algorithm' | 'nonceBytes' | 'seal' | 'open' | 'sealBatch' | 'openBatch'
>;

/** A backend's operations: the {@link Primitives} methods, given checked, defaulted arguments. */
export interface UncheckedPrimitives {
  readonly crc32: Defaulted<Crc32['crc32']>;
  readonly crc32Batch: Crc32['crc32Batch'];
  readonly deflateRaw: Defaulted<RawDeflate['deflateRaw']>;
  readonly inflateRaw: RawDeflate['inflateRaw'];
  readonly deflateRawBatch: Defaulted<RawDeflate['deflateRawBatch']>;
  readonly inflateRawBatch: RawDeflate['inflateRawBatch'];
  readonly xchacha20poly1305: UncheckedAead;
  readonly aes256gcm: UncheckedAead;
  readonly x25519PublicKey: X25519['x25519PublicKey'];
  readonly x25519SharedSecret: X25519['x25519SharedSecret'];
}

/** zlib's default, as node:zlib. */
const DEFAULT_LEVEL = 6;
const TAG = 16;

function checkedAead(core: UncheckedAead): Aead {
  const { nonceBytes } = core;
  return Object.freeze({
    algorithm: core.algorithm,
    keyBytes: 32,
    nonceBytes,
    tagBytes: TAG,
    seal(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset) {
      const sealedLength = srcLength + TAG;
      checkAeadCall(key, nonce, nonceBytes, aad, src, srcOffset, srcLength, dst, dstOffset,
        sealedLength);
      return core.seal(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset);
    },
    open(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset) {
      const plainLength = Math.max(0, srcLength - TAG);
      checkAeadCall(key, nonce, nonceBytes, aad, src, srcOffset, srcLength, dst, dstOffset,
        plainLength);
      // Too short to hold a tag: data, not a caller bug, so a status rather than an exception.
      if (srcLength < TAG) return PrimitiveStatus.AUTH_FAILED;
      return core.open(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset);
    },
    sealBatch(batch) {
      checkAeadBatch(batch, nonceBytes, true);
      core.sealBatch(batch);
    },
    openBatch(batch) {
      checkAeadBatch(batch, nonceBytes, false);
      core.openBatch(batch);
    },
  } satisfies Aead);
}

export function createCheckedPrimitives(
  backend: BackendName,
  core: UncheckedPrimitives,
): Primitives {
  return Object.freeze({
    backend,
    crc32(buf, offset, length, seed = 0) {
      checkSpan('buf', buf, offset, length);
      checkCrcSeed(seed);
      return core.crc32(buf, offset, length, seed);
    },
    crc32Batch(buf, offsets, lengths, count, results) {
      checkCrcBatch(buf, offsets, lengths, count, results);
      core.crc32Batch(buf, offsets, lengths, count, results);
    },
    deflateRaw(src, srcOffset, srcLength, dst, dstOffset, dstCapacity, level = DEFAULT_LEVEL) {
      checkSpan('src', src, srcOffset, srcLength);
      checkSpan('dst', dst, dstOffset, dstCapacity);
      checkLevel(level);
      return core.deflateRaw(src, srcOffset, srcLength, dst, dstOffset, dstCapacity, level);
    },
    inflateRaw(src, srcOffset, srcLength, dst, dstOffset, dstCapacity) {
      checkSpan('src', src, srcOffset, srcLength);
      checkSpan('dst', dst, dstOffset, dstCapacity);
      return core.inflateRaw(src, srcOffset, srcLength, dst, dstOffset, dstCapacity);
    },
    deflateRawBatch(batch, level = DEFAULT_LEVEL) {
      checkSpanBatch(batch);
      checkLevel(level);
      core.deflateRawBatch(batch, level);
    },
    inflateRawBatch(batch) {
      checkSpanBatch(batch);
      core.inflateRawBatch(batch);
    },
    xchacha20poly1305: checkedAead(core.xchacha20poly1305),
    aes256gcm: checkedAead(core.aes256gcm),
    x25519PublicKey(privateKey, out) {
      checkExactLength('privateKey', privateKey, 32);
      checkExactLength('out', out, 32);
      return core.x25519PublicKey(privateKey, out);
    },
    x25519SharedSecret(privateKey, peerPublicKey, out) {
      checkExactLength('privateKey', privateKey, 32);
      checkExactLength('peerPublicKey', peerPublicKey, 32);
      checkExactLength('out', out, 32);
      return core.x25519SharedSecret(privateKey, peerPublicKey, out);
    },
  } satisfies Primitives);
}
