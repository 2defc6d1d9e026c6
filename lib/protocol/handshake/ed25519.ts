/**
 * Ed25519 signatures over node:crypto with raw 32-byte seeds and public keys (RFC 8410 DER
 * wrappers). Used for certificates (signed by the accounts service) and CertificateVerify.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { checkLength, concatBytes } from './bytes.js';
import { HandshakeSize } from './constants.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function privateKeyObject(seed: Uint8Array): KeyObject {
  checkLength('Ed25519 seed', seed, HandshakeSize.ED25519_KEY);
  return createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_PREFIX, seed)), format: 'der', type: 'pkcs8' });
}

export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - HandshakeSize.ED25519_KEY));
}

/** Deterministic (RFC 8032): the same seed and message always give the same 64 bytes. */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKeyObject(seed)));
}

/** False for any invalid input (wrong sizes, a key that is not a curve point, a bad signature). */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== HandshakeSize.ED25519_KEY || signature.length !== HandshakeSize.ED25519_SIGNATURE) {
    return false;
  }
  try {
    const key = createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, publicKey)), format: 'der', type: 'spki' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
