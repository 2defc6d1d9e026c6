/**
 * Argument checks shared by both backends, so a caller bug raises the same readable error
 * whichever backend is live. The native side asserts the same bounds again before it reads.
 */
import type { AeadBatch, SpanBatch } from './types.js';

export function checkSpan(name: string, buf: Uint8Array, offset: number, length: number): void {
  if (!(buf instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`${name} offset must be a non-negative integer, got ${offset}`);
  }
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`${name} length must be a non-negative integer, got ${length}`);
  }
  if (offset + length > buf.length) {
    throw new RangeError(
      `${name} span [${offset}, ${offset + length}) exceeds its buffer of ${buf.length} bytes`,
    );
  }
}

export function checkExactLength(name: string, buf: Uint8Array, expected: number): void {
  if (!(buf instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (buf.length !== expected) {
    throw new RangeError(`${name} must be ${expected} bytes, got ${buf.length}`);
  }
}

export function checkLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new RangeError(`deflate level must be an integer 0..9, got ${level}`);
  }
}

function checkArrayLength(name: string, arr: ArrayLike<number>, count: number): void {
  if (arr.length < count) {
    throw new RangeError(`${name} has ${arr.length} entries, batch count is ${count}`);
  }
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`batch count must be a non-negative integer, got ${count}`);
  }
}

export function checkCrcBatch(
  buf: Uint8Array,
  offsets: Uint32Array,
  lengths: Uint32Array,
  count: number,
  results: Uint32Array,
): void {
  checkCount(count);
  checkArrayLength('offsets', offsets, count);
  checkArrayLength('lengths', lengths, count);
  checkArrayLength('results', results, count);
  for (let i = 0; i < count; i++) {
    checkSpan(`buf[${i}]`, buf, offsets[i] as number, lengths[i] as number);
  }
}

export function checkSpanBatch(batch: SpanBatch): void {
  const { count } = batch;
  checkCount(count);
  checkArrayLength('srcOffsets', batch.srcOffsets, count);
  checkArrayLength('srcLengths', batch.srcLengths, count);
  checkArrayLength('dstOffsets', batch.dstOffsets, count);
  checkArrayLength('dstCapacities', batch.dstCapacities, count);
  checkArrayLength('results', batch.results, count);
  for (let i = 0; i < count; i++) {
    checkSpan(`src[${i}]`, batch.src, batch.srcOffsets[i] as number, batch.srcLengths[i] as number);
    checkSpan(
      `dst[${i}]`,
      batch.dst,
      batch.dstOffsets[i] as number,
      batch.dstCapacities[i] as number,
    );
  }
}

/** `sealing` decides whether dst must hold srcLength + 16 (seal) or srcLength - 16 (open). */
export function checkAeadBatch(batch: AeadBatch, nonceBytes: number, sealing: boolean): void {
  checkSpanBatch(batch);
  const { count } = batch;
  checkArrayLength('keyIndex', batch.keyIndex, count);
  checkArrayLength('aadOffsets', batch.aadOffsets, count);
  checkArrayLength('aadLengths', batch.aadLengths, count);
  if (batch.nonces.length < count * nonceBytes) {
    throw new RangeError(`nonces must hold ${count} × ${nonceBytes} bytes`);
  }
  const keyCount = Math.floor(batch.keys.length / 32);
  for (let i = 0; i < count; i++) {
    const k = batch.keyIndex[i] as number;
    if (k >= keyCount) throw new RangeError(`keyIndex[${i}] = ${k} but only ${keyCount} keys`);
    checkSpan(`aad[${i}]`, batch.src, batch.aadOffsets[i] as number, batch.aadLengths[i] as number);
    const len = batch.srcLengths[i] as number;
    const need = sealing ? len + 16 : Math.max(0, len - 16);
    if ((batch.dstCapacities[i] as number) < need) {
      throw new RangeError(`dst[${i}] capacity ${batch.dstCapacities[i]} < ${need} bytes needed`);
    }
  }
}

export function checkAeadCall(
  key: Uint8Array,
  nonce: Uint8Array,
  nonceBytes: number,
  aad: Uint8Array | null,
  src: Uint8Array,
  srcOffset: number,
  srcLength: number,
  dst: Uint8Array,
  dstOffset: number,
  dstLength: number,
): void {
  checkExactLength('key', key, 32);
  checkExactLength('nonce', nonce, nonceBytes);
  if (aad !== null && !(aad instanceof Uint8Array)) {
    throw new TypeError('aad must be a Uint8Array or null');
  }
  checkSpan('src', src, srcOffset, srcLength);
  checkSpan('dst', dst, dstOffset, dstLength);
}

/** A CRC-32 seed (a previous crc32 result) is a uint32. */
export function checkCrcSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`crc32 seed must be an integer 0..0xFFFFFFFF, got ${seed}`);
  }
}
