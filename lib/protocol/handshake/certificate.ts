/**
 * Account certificates (PROTOCOL.md §7.3): a small binary record signed by the accounts
 * service's Ed25519 key, verifiable offline with that service's public key.
 *
 *   version u8 (1) ‖ account_id u64 ‖ username_len u8 ‖ username UTF-8 ‖ public_key (32)
 *   ‖ expiry_ms u64 ‖ signature (64)
 *
 * signature = Ed25519(service key, "paperclip certificate v1" ‖ every byte before it).
 */
import { checkLength, concatBytes, decodeUtf8, readU64, u64, u8, utf8 } from './bytes.js';
import { HandshakeSize } from './constants.js';
import { ed25519Sign, ed25519Verify } from './ed25519.js';
import { HandshakeError } from './errors.js';

export const CERTIFICATE_VERSION = 1;
/** Domain separation: a certificate signature can never be confused with any other signature. */
const SIGNATURE_CONTEXT = utf8('paperclip certificate v1');
const MAX_USERNAME_BYTES = 255;
/** version + account id + username length + public key + expiry */
const FIXED_BODY = 1 + 8 + 1 + HandshakeSize.ED25519_KEY + 8;
export const MIN_CERTIFICATE_BYTES = FIXED_BODY + HandshakeSize.ED25519_SIGNATURE;
export const MAX_CERTIFICATE_BYTES = MIN_CERTIFICATE_BYTES + MAX_USERNAME_BYTES;
const MAX_U64 = 0xffff_ffff_ffff_ffffn;

export interface CertificateFields {
  /** u64 account id of the holder. */
  readonly accountId: bigint;
  /** 0..255 bytes of UTF-8. */
  readonly username: string;
  /** The holder's Ed25519 public key (signs CertificateVerify). */
  readonly publicKey: Uint8Array;
  /** First instant (ms, same clock as `now`) at which the certificate is no longer valid. */
  readonly expiryMs: number;
}

export interface Certificate extends CertificateFields {
  readonly version: typeof CERTIFICATE_VERSION;
  readonly signature: Uint8Array;
  /** The whole encoding (a private copy, never a view into a datagram). */
  readonly bytes: Uint8Array;
}

export type CertificateCheck =
  | { readonly ok: true; readonly certificate: Certificate }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad-signature' | 'expired' };

function encodeBody(fields: CertificateFields): Uint8Array {
  if (typeof fields.accountId !== 'bigint' || fields.accountId < 0n || fields.accountId > MAX_U64) {
    throw new RangeError('accountId must be a bigint 0..2^64-1');
  }
  const username = utf8(fields.username);
  if (username.length > MAX_USERNAME_BYTES) throw new RangeError(`username exceeds ${MAX_USERNAME_BYTES} UTF-8 bytes`);
  checkLength('certificate public key', fields.publicKey, HandshakeSize.ED25519_KEY);
  if (!Number.isSafeInteger(fields.expiryMs) || fields.expiryMs < 0) {
    throw new RangeError('expiryMs must be a non-negative safe integer');
  }
  return concatBytes(
    u8(CERTIFICATE_VERSION),
    u64(fields.accountId),
    u8(username.length),
    username,
    fields.publicKey,
    u64(fields.expiryMs),
  );
}

/** What the accounts service does: encode and sign. Throws RangeError on invalid fields. */
export function issueCertificate(servicePrivateSeed: Uint8Array, fields: CertificateFields): Uint8Array {
  const body = encodeBody(fields);
  return concatBytes(body, ed25519Sign(servicePrivateSeed, concatBytes(SIGNATURE_CONTEXT, body)));
}

function malformed(detail: string): HandshakeError {
  return new HandshakeError('certificate-malformed', detail);
}

/**
 * Decodes untrusted bytes. Every length is checked before it is read; the only exception is
 * HandshakeError 'certificate-malformed' (1.2). Does not check the signature or expiry.
 */
export function parseCertificate(input: Uint8Array): Certificate {
  if (!(input instanceof Uint8Array)) throw malformed('not a byte array');
  if (input.length < MIN_CERTIFICATE_BYTES) throw malformed(`${input.length} bytes, at least ${MIN_CERTIFICATE_BYTES} needed`);
  const bytes = input.slice();
  const version = bytes[0] as number;
  if (version !== CERTIFICATE_VERSION) throw malformed(`version ${version}, expected ${CERTIFICATE_VERSION}`);
  const accountId = readU64(bytes, 1);
  const usernameLength = bytes[9] as number;
  const total = MIN_CERTIFICATE_BYTES + usernameLength;
  if (bytes.length !== total) throw malformed(`${bytes.length} bytes, username length implies ${total}`);
  const username = decodeUtf8(bytes.subarray(10, 10 + usernameLength));
  if (username === undefined) throw malformed('username is not valid UTF-8');
  let at = 10 + usernameLength;
  const publicKey = bytes.slice(at, at + HandshakeSize.ED25519_KEY);
  at += HandshakeSize.ED25519_KEY;
  const expiry = readU64(bytes, at);
  // Past 2^53 ms (year 287,396) a number loses precision; the issuer never produces it.
  if (expiry > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed('expiry beyond 2^53-1 ms');
  at += 8;
  const signature = bytes.slice(at);
  return { version, accountId, username, publicKey, expiryMs: Number(expiry), signature, bytes };
}

/**
 * Offline validation against the accounts service's public key. The signature is checked
 * before the expiry so that a forged certificate is reported as forged.
 */
export function verifyCertificate(
  certificate: Uint8Array | Certificate,
  servicePublicKey: Uint8Array,
  now: number,
): CertificateCheck {
  checkLength('service public key', servicePublicKey, HandshakeSize.ED25519_KEY);
  let cert: Certificate;
  try {
    cert = certificate instanceof Uint8Array ? parseCertificate(certificate) : certificate;
  } catch (e) {
    if (e instanceof HandshakeError) return { ok: false, reason: 'malformed' };
    throw e;
  }
  const body = cert.bytes.subarray(0, cert.bytes.length - HandshakeSize.ED25519_SIGNATURE);
  if (!ed25519Verify(servicePublicKey, concatBytes(SIGNATURE_CONTEXT, body), cert.signature)) {
    return { ok: false, reason: 'bad-signature' };
  }
  if (now >= cert.expiryMs) return { ok: false, reason: 'expired' };
  return { ok: true, certificate: cert };
}

/** verifyCertificate as an exception, for state-machine code that fails the handshake. */
export function requireValidCertificate(
  certificate: Uint8Array | Certificate,
  servicePublicKey: Uint8Array,
  now: number,
): Certificate {
  const check = verifyCertificate(certificate, servicePublicKey, now);
  if (check.ok) return check.certificate;
  throw new HandshakeError(`certificate-${check.reason}`, `certificate rejected: ${check.reason}`);
}
