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
  const prefix = aead === AeadChoice.XCHACHA20_POLY1305 ? HandshakeSize.IV : 4;
  const nonce = new Uint8Array(prefix + 8);
  nonce.set(iv.subarray(0, prefix));
  new DataView(nonce.buffer).setBigUint64(prefix, BigInt(counter));
  return nonce;
}
