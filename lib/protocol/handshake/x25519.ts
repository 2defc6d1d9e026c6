/**
 * X25519 ephemeral key agreement over node:crypto. Keys travel as raw 32-byte strings; node
 * only takes KeyObjects, so raw keys are wrapped in fixed DER prefixes (RFC 8410).
 */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { checkLength, concatBytes } from './bytes.js';
import { HandshakeSize, type RandomFill } from './constants.js';
import { HandshakeError } from './errors.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export interface X25519KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

function privateKeyObject(privateKey: Uint8Array): KeyObject {
  checkLength('X25519 private key', privateKey, HandshakeSize.X25519_KEY);
  return createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_PREFIX, privateKey)), format: 'der', type: 'pkcs8' });
}

/** Public key of a raw private key (the last 32 bytes of its SPKI encoding). */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyObject(privateKey)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - HandshakeSize.X25519_KEY));
}

/** A fresh ephemeral key pair; the 32 private bytes come from `random` (clamped by X25519). */
export function x25519KeyPair(random: RandomFill): X25519KeyPair {
  const privateKey = new Uint8Array(HandshakeSize.X25519_KEY);
  random(privateKey);
  return { privateKey, publicKey: x25519PublicKey(privateKey) };
}

/**
 * The shared secret with a peer's public key. The peer key is untrusted: a wrong length, or a
 * low-order point (OpenSSL refuses the all-zero result, RFC 7748 §6.1), is 1.0 CONNECTION.
 */
export function x25519SharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  const own = privateKeyObject(privateKey);
  if (peerPublicKey.length !== HandshakeSize.X25519_KEY) {
    throw new HandshakeError('invalid-key-share', `peer key share is ${peerPublicKey.length} bytes, expected 32`);
  }
  try {
    const peer = createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, peerPublicKey)), format: 'der', type: 'spki' });
    return new Uint8Array(diffieHellman({ privateKey: own, publicKey: peer }));
  } catch (e) {
    throw new HandshakeError('invalid-key-share', `X25519 failed: ${(e as Error).message}`);
  }
}
