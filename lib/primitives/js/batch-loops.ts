/**
 * The JS twin's batch forms: plain loops over its single-operation cores, one loop per kind
 * of batch. (The addon instead runs each batch in C++, crossing the JS/C++ boundary once.)
 * Batches reach these already validated by the checked layer.
 */
import type { UncheckedAead, UncheckedPrimitives } from '../checked.js';
import type { Aead, AeadBatch, SpanBatch } from '../types.js';

/**
 * A single span operation, shaped like deflate (level last, so the batch's level reaches it
 * without a per-call closure); inflate takes one parameter fewer and ignores it.
 */
type SpanOp = UncheckedPrimitives['deflateRaw'];

/** batch.results[i] = op(span i, level). */
export function spanBatchLoop(batch: SpanBatch, op: SpanOp, level: number): void {
  const { src, dst, srcOffsets, srcLengths, dstOffsets, dstCapacities, results } = batch;
  for (let i = 0; i < batch.count; i++) {
    results[i] = op(
      src,
      srcOffsets[i] as number,
      srcLengths[i] as number,
      dst,
      dstOffsets[i] as number,
      dstCapacities[i] as number,
      level,
    );
  }
}

/** results[i] = crc(buf, offsets[i], lengths[i], 0): every batch entry starts a fresh CRC. */
export function crcBatchLoop(
  buf: Uint8Array,
  offsets: Uint32Array,
  lengths: Uint32Array,
  count: number,
  results: Uint32Array,
  crc: UncheckedPrimitives['crc32'],
): void {
  for (let i = 0; i < count; i++) {
    results[i] = crc(buf, offsets[i] as number, lengths[i] as number, 0);
  }
}

/** What an AEAD algorithm file provides: single seal/open; the batch forms come from here. */
export type AeadCore = Omit<UncheckedAead, 'sealBatch' | 'openBatch'>;

/** batch.results[i] = op(key, nonce, aad and span of entry i). */
function aeadBatchLoop(batch: AeadBatch, nonceBytes: number, op: Aead['seal']): void {
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

/** The core plus batch forms that loop over its seal/open. */
export function withAeadBatchLoops(core: AeadCore): UncheckedAead {
  const { nonceBytes, seal, open } = core;
  return {
    algorithm: core.algorithm,
    nonceBytes,
    seal,
    open,
    sealBatch: (batch) => aeadBatchLoop(batch, nonceBytes, seal),
    openBatch: (batch) => aeadBatchLoop(batch, nonceBytes, open),
  };
}
