/**
 * The pure-JS twin of the native primitives: node:zlib for CRC-32 and raw deflate,
 * libsodium-wrappers for XChaCha20-Poly1305, node:crypto for AES-256-GCM.
 * Byte-identical to the addon; slower, but needs no compiler.
 */
import type { Primitives } from '../types.js';
import { createAead } from './aead.js';
import { aesGcmCore } from './aesgcm.js';
import { crc32, crc32Batch } from './crc32.js';
import { deflateRaw, deflateRawBatch, inflateRaw, inflateRawBatch } from './deflate.js';
import { xchachaCore } from './xchacha.js';

export const jsPrimitives: Primitives = Object.freeze({
  backend: 'js',
  crc32,
  crc32Batch,
  deflateRaw,
  inflateRaw,
  deflateRawBatch,
  inflateRawBatch,
  xchacha20poly1305: createAead(xchachaCore),
  aes256gcm: createAead(aesGcmCore),
} satisfies Primitives);
