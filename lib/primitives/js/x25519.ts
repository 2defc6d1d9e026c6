/**
 * The JS twin of native/x25519.cc: node:crypto, which takes X25519 keys only as KeyObjects, so
 * raw keys are wrapped in fixed DER prefixes (RFC 8410). Correct everywhere, but each DER import
 * costs ~0.8 ms (OpenSSL 3's decoders); the native twin uses OpenSSL's raw-key API.
 */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { PrimitiveStatus } from '../types.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function privateKeyObject(privateKey: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, privateKey]), format: 'der', type: 'pkcs8' });
}

export function x25519PublicKeyJs(privateKey: Uint8Array, out: Uint8Array): number {
  const spki = createPublicKey(privateKeyObject(privateKey)).export({ format: 'der', type: 'spki' });
  out.set(spki.subarray(spki.length - 32));
  return 0;
}

export function x25519SharedSecretJs(privateKey: Uint8Array, peerPublicKey: Uint8Array, out: Uint8Array): number {
  try {
    const peer = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, peerPublicKey]), format: 'der', type: 'spki' });
    out.set(diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: peer }));
    return 0;
  } catch {
    // OpenSSL refuses a low-order point (all-zero result), as the native twin does
    return PrimitiveStatus.AUTH_FAILED;
  }
}
