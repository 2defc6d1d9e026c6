/**
 * The native backend: the C++ addon behind the shared checked layer (checked.ts), so a caller
 * bug raises the same readable error as on the JS twin; the addon then asserts the bounds again.
 */
import { createCheckedPrimitives } from '../checked.js';
import type { Primitives } from '../types.js';
import { assertNativeAddon, type NativeAddon } from './addon.js';

export type { NativeAddon } from './addon.js';

export function createNativePrimitives(addon: NativeAddon): Primitives {
  assertNativeAddon(addon);
  return createCheckedPrimitives('native', {
    crc32: addon.crc32,
    crc32Batch: addon.crc32Batch,
    deflateRaw: addon.deflateRaw,
    inflateRaw: addon.inflateRaw,
    deflateRawBatch: addon.deflateRawBatch,
    inflateRawBatch: addon.inflateRawBatch,
    xchacha20poly1305: {
      algorithm: 'xchacha20poly1305',
      nonceBytes: 24,
      seal: addon.xchachaSeal,
      open: addon.xchachaOpen,
      sealBatch: addon.xchachaSealBatch,
      openBatch: addon.xchachaOpenBatch,
    },
    x25519PublicKey: addon.x25519PublicKey,
    x25519SharedSecret: addon.x25519SharedSecret,
    aes256gcm: {
      algorithm: 'aes256gcm',
      nonceBytes: 12,
      seal: addon.aesGcmSeal,
      open: addon.aesGcmOpen,
      sealBatch: addon.aesGcmSealBatch,
      openBatch: addon.aesGcmOpenBatch,
    },
  });
}
