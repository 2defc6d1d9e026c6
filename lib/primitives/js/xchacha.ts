/**
 * XChaCha20-Poly1305 (IETF, 24-byte nonce) through libsodium-wrappers, combined layout
 * ciphertext || 16-byte tag. Arguments are already validated by the checked layer (checked.ts).
 */
import sodium from 'libsodium-wrappers';
import { PrimitiveStatus } from '../types.js';
import type { AeadCore } from './batch-loops.js';

await sodium.ready;

export const xchachaCore: AeadCore = {
  algorithm: 'xchacha20poly1305',
  nonceBytes: 24,
  seal(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset) {
    const out = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      src.subarray(srcOffset, srcOffset + srcLength),
      aad,
      null,
      nonce,
      key,
    );
    dst.set(out, dstOffset);
    return out.length;
  },
  open(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset) {
    // Single opens never get here this short (checked.ts answers), but batch entries do.
    if (srcLength < 16) return PrimitiveStatus.AUTH_FAILED;
    let out: Uint8Array;
    try {
      out = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        src.subarray(srcOffset, srcOffset + srcLength),
        aad,
        nonce,
        key,
      );
    } catch {
      // libsodium's only failure left after validation: the tag did not verify.
      return PrimitiveStatus.AUTH_FAILED;
    }
    dst.set(out, dstOffset);
    return out.length;
  },
};
