/**
 * The primitive interface shared by the native addon and its pure-JS twin.
 *
 * Every operation writes into a caller-provided buffer described by (buffer, offset, length)
 * so the hot path never allocates. Each primitive also has a batch form: many independent
 * operations over one shared buffer, described by typed arrays, so a whole receive batch
 * crosses the JS/C++ boundary once.
 *
 * Failure is a value, not an exception: negative results carry a {@link PrimitiveStatus}.
 * Exceptions are reserved for caller bugs (bad arguments, out-of-range spans).
 */

/** Negative result codes shared by every primitive and both backends. */
export const PrimitiveStatus = {
  /** Authentication failed (tag, ciphertext or AAD tampered, or wrong key/nonce). */
  AUTH_FAILED: -1,
  /** Compressed input is malformed or truncated. */
  CORRUPT: -2,
  /** The output would exceed the destination capacity (the inflate cap). */
  TOO_LARGE: -3,
} as const;
export type PrimitiveStatus = (typeof PrimitiveStatus)[keyof typeof PrimitiveStatus];

/** Many independent spans over one source and one destination buffer. */
export interface SpanBatch {
  /** Number of operations; every typed array below has at least this many entries. */
  readonly count: number;
  readonly src: Uint8Array;
  readonly srcOffsets: Uint32Array;
  readonly srcLengths: Uint32Array;
  readonly dst: Uint8Array;
  readonly dstOffsets: Uint32Array;
  /** Capacity of each destination span (for inflate: the hard output cap). */
  readonly dstCapacities: Uint32Array;
  /** Written by the call: bytes produced, or a negative {@link PrimitiveStatus}. */
  readonly results: Int32Array;
}

export interface Crc32 {
  /** CRC-32 (IEEE 802.3, as zlib) of buf[offset, offset+length), continuing from `seed`. */
  crc32(buf: Uint8Array, offset: number, length: number, seed?: number): number;
  /** results[i] = crc32(buf, offsets[i], lengths[i]) for i < count. */
  crc32Batch(
    buf: Uint8Array,
    offsets: Uint32Array,
    lengths: Uint32Array,
    count: number,
    results: Uint32Array,
  ): void;
}

export interface RawDeflate {
  /**
   * Raw deflate (RFC 1951, no zlib/gzip wrapper) of src span into dst.
   * Returns bytes written, or TOO_LARGE if the output does not fit in dstCapacity.
   * `level` is zlib's 0..9 (default 6, as node:zlib).
   */
  deflateRaw(
    src: Uint8Array,
    srcOffset: number,
    srcLength: number,
    dst: Uint8Array,
    dstOffset: number,
    dstCapacity: number,
    level?: number,
  ): number;
  /**
   * Raw inflate with a hard cap: returns bytes written, CORRUPT for malformed or truncated
   * input (or trailing bytes after the final block), TOO_LARGE as soon as the output would
   * pass dstCapacity. Never allocates beyond the caller's buffer.
   */
  inflateRaw(
    src: Uint8Array,
    srcOffset: number,
    srcLength: number,
    dst: Uint8Array,
    dstOffset: number,
    dstCapacity: number,
  ): number;
  deflateRawBatch(batch: SpanBatch, level?: number): void;
  inflateRawBatch(batch: SpanBatch): void;
}

export type AeadAlgorithm = 'xchacha20poly1305' | 'aes256gcm';

/** Many AEAD operations over one buffer; AAD spans live in `src` too (usually the header). */
export interface AeadBatch extends SpanBatch {
  /** Concatenated 32-byte keys. */
  readonly keys: Uint8Array;
  /** keyIndex[i] selects keys[32*keyIndex[i], +32) for operation i. */
  readonly keyIndex: Uint32Array;
  /** Concatenated nonces, nonceBytes each, one per operation. */
  readonly nonces: Uint8Array;
  readonly aadOffsets: Uint32Array;
  /** 0 = no associated data. */
  readonly aadLengths: Uint32Array;
}

export interface Aead {
  readonly algorithm: AeadAlgorithm;
  readonly keyBytes: 32;
  readonly nonceBytes: number;
  readonly tagBytes: 16;
  /**
   * Encrypts src span into dst as ciphertext || 16-byte tag (libsodium's combined layout).
   * dst may alias src at the same offset (in-place). Returns srcLength + 16.
   * dstCapacity is checked by the caller-facing validation, not here: dst must have room.
   */
  seal(
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array | null,
    src: Uint8Array,
    srcOffset: number,
    srcLength: number,
    dst: Uint8Array,
    dstOffset: number,
  ): number;
  /**
   * Verifies and decrypts ciphertext || tag. Returns plaintext length (srcLength - 16) or
   * AUTH_FAILED; on failure dst content is unspecified but nothing outside
   * dst[dstOffset, dstOffset + srcLength - 16) is written.
   */
  open(
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array | null,
    src: Uint8Array,
    srcOffset: number,
    srcLength: number,
    dst: Uint8Array,
    dstOffset: number,
  ): number;
  /** results[i] = bytes written (srcLengths[i] + 16). dstCapacities must allow it. */
  sealBatch(batch: AeadBatch): void;
  /** results[i] = plaintext length or AUTH_FAILED. */
  openBatch(batch: AeadBatch): void;
}

export type BackendName = 'native' | 'js';

/** Everything a backend provides; the native addon and the JS twin both implement it. */
/** X25519 (RFC 7748) on raw 32-byte keys. */
export interface X25519 {
  /** Writes X25519(privateKey, 9) to out (32 bytes); 0, or AUTH_FAILED if the key is refused. */
  x25519PublicKey(privateKey: Uint8Array, out: Uint8Array): number;
  /** Writes the shared secret to out (32 bytes); 0, or AUTH_FAILED for a low-order peer point. */
  x25519SharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array, out: Uint8Array): number;
}

export interface Primitives extends Crc32, RawDeflate, X25519 {
  readonly backend: BackendName;
  readonly xchacha20poly1305: Aead;
  readonly aes256gcm: Aead;
}
