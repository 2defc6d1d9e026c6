/**
 * The shape of the compiled addon (build/Release/paperclip_native.node, native/addon.cc).
 * Arguments reach it already validated (checked.ts); the addon re-checks every bound and
 * throws TypeError/RangeError rather than read outside a buffer. Failures that are data,
 * not caller bugs, come back as negative {@link PrimitiveStatus} values.
 */
import type { UncheckedPrimitives } from '../checked.js';
import type { Aead } from '../types.js';

/**
 * Flat exports: crc32 and deflate exactly as the checked layer calls them, and each AEAD's
 * four operations under a prefixed name (native/index.ts regroups them).
 */
export interface NativeAddon
  extends Omit<UncheckedPrimitives, 'xchacha20poly1305' | 'aes256gcm'> {
  readonly xchachaSeal: Aead['seal'];
  readonly xchachaOpen: Aead['open'];
  readonly xchachaSealBatch: Aead['sealBatch'];
  readonly xchachaOpenBatch: Aead['openBatch'];
  readonly aesGcmSeal: Aead['seal'];
  readonly aesGcmOpen: Aead['open'];
  readonly aesGcmSealBatch: Aead['sealBatch'];
  readonly aesGcmOpenBatch: Aead['openBatch'];
  /** native/ack_window.cc over a 36-word Uint32Array (the twin test drives these). */
  readonly x25519PublicKey: (privateKey: Uint8Array, out: Uint8Array) => number;
  readonly x25519SharedSecret: (privateKey: Uint8Array, peerPublicKey: Uint8Array, out: Uint8Array) => number;
  readonly ackWindowCheck: (words: Uint32Array, value: number) => boolean;
  readonly ackWindowCommit: (words: Uint32Array, value: number) => void;
  readonly ackWindowRecord: (words: Uint32Array, sequence: number) => boolean;
  /** The batched UDP engine (Linux builds only; lib/transport/native-engine.ts types it). */
  readonly UdpEngine?: unknown;
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
  'x25519PublicKey',
  'x25519SharedSecret',
  'ackWindowCheck',
  'ackWindowCommit',
  'ackWindowRecord',
];

/** Throws if a stale or foreign binary lacks an entry point, so the loader falls back to JS. */
export function assertNativeAddon(addon: NativeAddon): void {
  const record = addon as unknown as Record<string, unknown>;
  const missing = REQUIRED.filter((name) => typeof record[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(`native addon is missing ${missing.join(', ')} (rebuild it)`);
  }
}
