/**
 * The primitive benchmark cases: every task processes BATCH packets per iteration, either one
 * call per packet or one batch call, so per-call and batched rows measure the same work.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import type { Aead, AeadBatch, Primitives, SpanBatch } from '../lib/primitives/types.js';

export const BATCH = 64;

export interface BenchCase {
  /** e.g. "xchacha20poly1305.seal" */
  readonly case: string;
  /** native, libsodium-wrappers, node:crypto, node:zlib */
  readonly impl: string;
  readonly mode: 'call' | 'batch';
  readonly size: number;
  /** Processes BATCH packets; returns the smallest result (negative = the operation failed). */
  readonly run: () => number;
}

/** Game-like payload: fixed-layout entity records with small random deltas (compressible). */
function gamePayload(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = i % 16 < 10 ? (i >> 4) & 0xff : Math.floor(Math.random() * 4);
  return out;
}

interface Layout {
  readonly buf: Uint8Array;
  readonly out: Uint8Array;
  readonly offsets: Uint32Array;
  readonly lengths: Uint32Array;
  readonly outOffsets: Uint32Array;
  readonly capacities: Uint32Array;
  readonly results: Int32Array;
}

/** BATCH packets of `size` bytes back to back, with output slots of `slot` bytes. */
function layout(size: number, slot: number, fill: (i: number) => Uint8Array): Layout {
  const buf = new Uint8Array(size * BATCH);
  for (let i = 0; i < BATCH; i++) buf.set(fill(i), i * size);
  const offsets = new Uint32Array(BATCH).map((_, i) => i * size);
  return {
    buf,
    out: new Uint8Array(slot * BATCH),
    offsets,
    lengths: new Uint32Array(BATCH).fill(size),
    outOffsets: new Uint32Array(BATCH).map((_, i) => i * slot),
    capacities: new Uint32Array(BATCH).fill(slot),
    results: new Int32Array(BATCH),
  };
}

function spans(l: Layout): SpanBatch {
  return {
    count: BATCH,
    src: l.buf,
    srcOffsets: l.offsets,
    srcLengths: l.lengths,
    dst: l.out,
    dstOffsets: l.outOffsets,
    dstCapacities: l.capacities,
    results: l.results,
  };
}

function crcCases(p: Primitives, size: number): BenchCase[] {
  const l = layout(size, 0, () => randomBytes(size));
  const results = new Uint32Array(BATCH);
  return [
    { case: 'crc32', impl: 'native', mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, p.crc32(l.buf, i * size, size)); return r; } },
    { case: 'crc32', impl: 'native', mode: 'batch', size, run: () => { p.crc32Batch(l.buf, l.offsets, l.lengths, BATCH, results); return Math.min(...results); } },
    { case: 'crc32', impl: 'node:zlib', mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, zlib.crc32(l.buf.subarray(i * size, i * size + size))); return r; } },
  ];
}

function deflateCases(p: Primitives, size: number): BenchCase[] {
  const input = gamePayload(size);
  const l = layout(size, size + 64, () => input);
  const compressed = zlib.deflateRawSync(input);
  const c = layout(compressed.length, size, () => compressed);
  const inflateSpans = { ...spans(c), dstCapacities: new Uint32Array(BATCH).fill(size) };
  return [
    { case: 'deflate', impl: 'native', mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, p.deflateRaw(l.buf, i * size, size, l.out, 0, size + 64)); return r; } },
    { case: 'deflate', impl: 'native', mode: 'batch', size, run: () => { p.deflateRawBatch(spans(l)); return Math.min(...l.results); } },
    { case: 'deflate', impl: 'node:zlib', mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, zlib.deflateRawSync(input).length); return r; } },
    { case: 'inflate', impl: 'native', mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, p.inflateRaw(compressed, 0, compressed.length, c.out, 0, size)); return r; } },
    { case: 'inflate', impl: 'native', mode: 'batch', size, run: () => { p.inflateRawBatch(inflateSpans); return Math.min(...inflateSpans.results); } },
    { case: 'inflate', impl: 'node:zlib', mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, zlib.inflateRawSync(compressed, { maxOutputLength: size }).length); return r; } },
  ];
}

function aeadBatch(l: Layout, nonceBytes: number): AeadBatch {
  return {
    ...spans(l),
    keys: randomBytes(32),
    keyIndex: new Uint32Array(BATCH),
    nonces: randomBytes(nonceBytes * BATCH),
    aadOffsets: new Uint32Array(BATCH),
    aadLengths: new Uint32Array(BATCH),
  };
}

/** seal and open rows for one AEAD: native per call, native batched, and the JS twin. */
function aeadCases(native: Aead, twin: Aead, twinName: string, size: number): BenchCase[] {
  const n = native.nonceBytes;
  const key = randomBytes(32);
  const nonce = randomBytes(n);
  const plain = layout(size, size + 16, () => randomBytes(size));
  const sealBatch = aeadBatch(plain, n);
  const sealed = layout(size + 16, size, () => new Uint8Array(size + 16));
  const openBatch = { ...aeadBatch(sealed, n), keys: sealBatch.keys, nonces: sealBatch.nonces };
  native.sealBatch(sealBatch);
  sealed.buf.set(plain.out);
  const one = new Uint8Array(size + 16);
  native.seal(key, nonce, null, plain.buf, 0, size, one, 0);
  const name = native.algorithm;
  return [
    { case: `${name}.seal`, impl: 'native', mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, native.seal(key, nonce, null, plain.buf, i * size, size, plain.out, 0)); return r; } },
    { case: `${name}.seal`, impl: 'native', mode: 'batch', size, run: () => { native.sealBatch(sealBatch); return Math.min(...sealBatch.results); } },
    { case: `${name}.seal`, impl: twinName, mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, twin.seal(key, nonce, null, plain.buf, i * size, size, plain.out, 0)); return r; } },
    { case: `${name}.open`, impl: 'native', mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, native.open(key, nonce, null, one, 0, size + 16, sealed.out, 0)); return r; } },
    { case: `${name}.open`, impl: 'native', mode: 'batch', size, run: () => { native.openBatch(openBatch); return Math.min(...openBatch.results); } },
    { case: `${name}.open`, impl: twinName, mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, twin.open(key, nonce, null, one, 0, size + 16, sealed.out, 0)); return r; } },
  ];
}

/**
 * node:crypto's ChaCha20-Poly1305 (IETF, 12-byte nonce): the same cipher core XChaCha20
 * extends, as Node ships it. A baseline only: it is not the XChaCha construction.
 */
function nodeChachaCases(size: number): BenchCase[] {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const plain = randomBytes(size);
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  const tag = cipher.getAuthTag();
  const seal = (): number => {
    const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    const n = c.update(plain).length + c.final().length;
    return n + c.getAuthTag().length;
  };
  const open = (): number => {
    const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    d.setAuthTag(tag);
    return d.update(ct).length + d.final().length;
  };
  return [
    { case: 'xchacha20poly1305.seal', impl: 'node:crypto chacha20-poly1305', mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, seal()); return r; } },
    { case: 'xchacha20poly1305.open', impl: 'node:crypto chacha20-poly1305', mode: 'call', size, run: () => { let r = Infinity; for (let i = 0; i < BATCH; i++) r = Math.min(r, open()); return r; } },
  ];
}

export function primitiveCases(native: Primitives, js: Primitives, sizes: readonly number[]): BenchCase[] {
  return sizes.flatMap((size) => [
    ...crcCases(native, size),
    ...deflateCases(native, size),
    ...aeadCases(native.xchacha20poly1305, js.xchacha20poly1305, 'libsodium-wrappers', size),
    ...nodeChachaCases(size),
    ...aeadCases(native.aes256gcm, js.aes256gcm, 'node:crypto', size),
  ]);
}
