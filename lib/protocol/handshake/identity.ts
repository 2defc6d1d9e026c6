/**
 * A peer's identity: its certificate from the accounts service and the Ed25519 seed of the key
 * the certificate names. The seed never leaves this process; it only signs CertificateVerify.
 */
import { equalConstantTime } from './bytes.js';
import { parseCertificate, type Certificate } from './certificate.js';
import { ed25519PublicKey } from './ed25519.js';

export interface Identity {
  /** Certificate bytes as issued (sent in HELLO / SERVER HELLO). */
  readonly certificate: Uint8Array;
  /** 32-byte Ed25519 seed whose public key is the certificate's public_key. */
  readonly privateSeed: Uint8Array;
}

/**
 * Configuration check for the state machine's constructor: a certificate that does not parse
 * or does not match the seed is a setup error (RangeError), found before any peer is involved.
 */
export function checkIdentity(identity: Identity): Certificate {
  let certificate: Certificate;
  try {
    certificate = parseCertificate(identity.certificate);
  } catch (e) {
    throw new RangeError(`identity certificate does not parse: ${(e as Error).message}`);
  }
  if (!equalConstantTime(ed25519PublicKey(identity.privateSeed), certificate.publicKey)) {
    throw new RangeError('identity private seed does not match the certificate public key');
  }
  return certificate;
}
