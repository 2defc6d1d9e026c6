/**
 * The pure-JS twin of the native primitives: node:zlib for CRC-32 and raw deflate,
 * libsodium-wrappers for XChaCha20-Poly1305, node:crypto for AES-256-GCM and X25519.
 * Byte-identical to the addon; slower, but needs no compiler. Behind the same checked layer.
 */
import { createCheckedPrimitives } from '../checked.js';
import type { Primitives } from '../types.js';
import { aesGcmCore } from './aesgcm.js';
import { crcBatchLoop, spanBatchLoop, withAeadBatchLoops } from './batch-loops.js';
import { crc32Span } from './crc32.js';
import { deflateSpan, inflateSpan } from './deflate.js';
import { x25519PublicKeyJs, x25519SharedSecretJs } from './x25519.js';
import { xchachaCore } from './xchacha.js';

export const jsPrimitives: Primitives = createCheckedPrimitives('js', {
  crc32: crc32Span,
  crc32Batch: (buf, offsets, lengths, count, results) =>
    crcBatchLoop(buf, offsets, lengths, count, results, crc32Span),
  deflateRaw: deflateSpan,
  inflateRaw: inflateSpan,
  deflateRawBatch: (batch, level) => spanBatchLoop(batch, deflateSpan, level),
  inflateRawBatch: (batch) => spanBatchLoop(batch, inflateSpan, 0), // inflate has no level
  xchacha20poly1305: withAeadBatchLoops(xchachaCore),
  aes256gcm: withAeadBatchLoops(aesGcmCore),
  x25519PublicKey: x25519PublicKeyJs,
  x25519SharedSecret: x25519SharedSecretJs,
});
