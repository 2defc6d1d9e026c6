/**
 * X25519 ephemeral key agreement on the live primitive backend (native/x25519.cc, or its
 * node:crypto twin). Keys travel as raw 32-byte strings.
 */
import { primitives } from '../../native.js';
import { PrimitiveStatus } from '../../primitives/types.js';
import { checkLength } from './bytes.js';
import { HandshakeSize, type RandomFill } from './constants.js';
import { HandshakeError } from './errors.js';

export interface X25519KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Public key of a raw private key. */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  checkLength('X25519 private key', privateKey, HandshakeSize.X25519_KEY);
  const out = new Uint8Array(HandshakeSize.X25519_KEY);
  if (primitives.x25519PublicKey(privateKey, out) !== 0) throw new HandshakeError('invalid-key-share', 'X25519 refused the private key');
  return out;
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
  checkLength('X25519 private key', privateKey, HandshakeSize.X25519_KEY);
  if (peerPublicKey.length !== HandshakeSize.X25519_KEY) {
    throw new HandshakeError('invalid-key-share', `peer key share is ${peerPublicKey.length} bytes, expected 32`);
  }
  const out = new Uint8Array(HandshakeSize.X25519_KEY);
  if (primitives.x25519SharedSecret(privateKey, peerPublicKey, out) === PrimitiveStatus.AUTH_FAILED) {
    throw new HandshakeError('invalid-key-share', 'X25519 failed: the peer key share is a low-order point');
  }
  return out;
}
