/**
 * Per-datagram AEAD nonce from the direction's static IV and the packet counter (PROTOCOL.md
 * §5). The counter never repeats under one key, so neither does the nonce.
 */
import { checkLength } from './bytes.js';
import { AeadChoice, HandshakeSize } from './constants.js';

/** XChaCha20-Poly1305: iv(16) ‖ counter u64 BE (24 bytes); AES-256-GCM: iv[0,4) ‖ counter u64 BE (12). */
export function nonceFor(iv: Uint8Array, counter: number, aead: AeadChoice): Uint8Array {
  checkLength('iv', iv, HandshakeSize.IV);
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`counter must be a safe integer ≥ 0, got ${counter}`);
  const nonceBytes = aead === AeadChoice.XCHACHA20_POLY1305 ? HandshakeSize.IV + 8 : 12;
  return writeCounterNonce(iv, counter, new Uint8Array(nonceBytes));
}

/**
 * The allocation-free form for the per-datagram hot path: fills `out` (24 or 12 bytes) with
 * iv[0, out.length − 8) ‖ counter u64 BE. Arguments are the caller's to get right.
 */
export function writeCounterNonce(iv: Uint8Array, counter: number, out: Uint8Array): Uint8Array {
  const prefix = out.length - 8;
  out.set(iv.subarray(0, prefix));
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  view.setUint32(prefix, Math.floor(counter / 0x1_0000_0000));
  view.setUint32(prefix + 4, counter >>> 0);
  return out;
}
