/**
 * AES-256-GCM (12-byte nonce, 16-byte tag) through node:crypto, laid out as
 * ciphertext || tag like the XChaCha construction. Arguments are already validated by the
 * checked layer (checked.ts). Plaintext is only written to dst once the tag has verified.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { PrimitiveStatus } from '../types.js';
import type { AeadCore } from './batch-loops.js';

const TAG = 16;

export const aesGcmCore: AeadCore = {
  algorithm: 'aes256gcm',
  nonceBytes: 12,
  seal(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset) {
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
    if (aad !== null) cipher.setAAD(aad);
    const head = cipher.update(src.subarray(srcOffset, srcOffset + srcLength));
    const tail = cipher.final(); // empty for GCM; kept so no byte is ever dropped
    const tag = cipher.getAuthTag();
    dst.set(head, dstOffset);
    dst.set(tail, dstOffset + head.length);
    dst.set(tag, dstOffset + srcLength);
    return srcLength + TAG;
  },
  open(key, nonce, aad, src, srcOffset, srcLength, dst, dstOffset) {
    // Single opens never get here this short (checked.ts answers), but batch entries do.
    if (srcLength < TAG) return PrimitiveStatus.AUTH_FAILED;
    const end = srcOffset + srcLength;
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
    decipher.setAuthTag(src.subarray(end - TAG, end));
    if (aad !== null) decipher.setAAD(aad);
    const head = decipher.update(src.subarray(srcOffset, end - TAG));
    let tail: Buffer;
    try {
      tail = decipher.final();
    } catch {
      return PrimitiveStatus.AUTH_FAILED; // "Unsupported state or unable to authenticate data"
    }
    dst.set(head, dstOffset);
    dst.set(tail, dstOffset + head.length);
    return srcLength - TAG;
  },
};
