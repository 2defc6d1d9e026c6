/**
 * Turns an algorithm core (unchecked single seal/open) into the validated {@link Aead},
 * including the batch forms, so both JS AEADs share one argument-checking path.
 */
import type { Aead, AeadAlgorithm, AeadBatch } from '../types.js';
import { checkAeadBatch, checkAeadCall } from '../validate.js';

type AeadOp = Aead['seal'];

/** What an algorithm file provides; arguments reach it already validated. */
export interface AeadCore {
  readonly algorithm: AeadAlgorithm;
  readonly nonceBytes: number;
  /** Writes ciphertext || tag at dst[dstOffset]; returns srcLength + 16. */
  readonly seal: AeadOp;
  /** Returns srcLength - 16, or AUTH_FAILED (also for srcLength < 16). */
  readonly open: AeadOp;
}

function runBatch(batch: AeadBatch, nonceBytes: number, op: AeadOp): void {
  const { src, dst, keys, nonces, results } = batch;
  for (let i = 0; i < batch.count; i++) {
    const k = (batch.keyIndex[i] as number) * 32;
    const n = i * nonceBytes;
    const aadOffset = batch.aadOffsets[i] as number;
    const aadLength = batch.aadLengths[i] as number;
    results[i] = op(
      keys.subarray(k, k + 32),
      nonces.subarray(n, n + nonceBytes),
      aadLength === 0 ? null : src.subarray(aadOffset, aadOffset + aadLength),
      src,
      batch.srcOffsets[i] as number,
      batch.srcLengths[i] as number,
      dst,
      batch.dstOffsets[i] as number,
    );
  }
}

export function createAead(core: AeadCore): Aead {
  const { nonceBytes } = core;
  return Object.freeze({
    algorithm: core.algorithm,
    keyBytes: 32,
    nonceBytes,
    tagBytes: 16,
    seal(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset) {
      const sealedLength = srcLength + 16;
      checkAeadCall(key, nonce, nonceBytes, aad, src, srcOffset, srcLength, dst, dstOffset,
        sealedLength);
      return core.seal(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset);
    },
    open(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset) {
      const plainLength = Math.max(0, srcLength - 16);
      checkAeadCall(key, nonce, nonceBytes, aad, src, srcOffset, srcLength, dst, dstOffset,
        plainLength);
      return core.open(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset);
    },
    sealBatch(batch) {
      checkAeadBatch(batch, nonceBytes, true);
      runBatch(batch, nonceBytes, core.seal);
    },
    openBatch(batch) {
      checkAeadBatch(batch, nonceBytes, false);
      runBatch(batch, nonceBytes, core.open);
    },
  } satisfies Aead);
}
