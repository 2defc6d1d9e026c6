/**
 * Handshake configuration for the connection state machine (types only; the state machine
 * resolves defaults). Each option documents its default.
 */
import type { Certificate } from './certificate.js';
import { equalConstantTime } from './bytes.js';
import type { AeadChoice } from './constants.js';
import type { CookieJarOptions } from './cookie.js';
import type { Identity } from './identity.js';

/**
 * Online certificate check (the accounts service's `POST /auth/certificate/validate`), for
 * revocation before expiry. Resolves true (still valid) or false (revoked: the handshake fails
 * with 1.2). A rejected promise means "could not ask": the offline result stands, which is what
 * lets clients connect while the service is briefly down. An implementation that wants to fail
 * closed resolves false instead of rejecting.
 *
 * How the sans-IO state machine uses it: it cannot await, so after the offline checks pass
 * (certificate signature and expiry, server Finished, CertificateVerify) it emits a
 * "validate certificate" event; the I/O layer calls the hook and feeds the outcome back with
 * `now`. Until then the client withholds its own Finished (so the server never counts the
 * connection as established) and the handshake timeout keeps running; a timeout is 1.2.
 */
export type ValidateOnline = (certificate: Certificate) => Promise<boolean>;

/** Which server the client means to reach; checked against the server certificate. */
export interface ExpectedPeer {
  readonly accountId?: bigint;
  readonly username?: string;
  /**
   * The exact certificate (its encoding), e.g. a game server's from the lobby response: pins the
   * server's key, not just its name.
   */
  readonly certificate?: Uint8Array;
}

export interface ClientHandshakeOptions {
  /**
   * The accounts service's Ed25519 public key (`GET /auth/certificate`). When set, the server
   * must send a certificate valid under it (else 1.2). Default: none, the server is not
   * authenticated (only the password, if any, protects against a man in the middle).
   */
  readonly servicePublicKey?: Uint8Array;
  /**
   * Any valid certificate proves some account; this says which one. Without it, every holder of
   * a certificate could impersonate every server. Default: none (any account is accepted).
   */
  readonly expectedServer?: ExpectedPeer;
  /** Sent in HELLO and proven by CertificateVerify. Default: none. */
  readonly identity?: Identity;
  /** Must equal the server's. Default: none (empty counts as none). */
  readonly password?: string;
  /** Default: both, XChaCha20-Poly1305 and AES-256-GCM. */
  readonly aeadOffer?: readonly AeadChoice[];
  /** Default: none (offline verification only). */
  readonly validateOnline?: ValidateOnline;
}

export interface ServerHandshakeOptions {
  /** Sent in SERVER HELLO and proven by CertificateVerify. Default: none. */
  readonly identity?: Identity;
  /** Default: none. */
  readonly password?: string;
  /** First offered algorithm wins. Default: XChaCha20-Poly1305, then AES-256-GCM. */
  readonly aeadPreference?: readonly AeadChoice[];
  /** Verifies client certificates. Default: none (client certificates are ignored). */
  readonly servicePublicKey?: Uint8Array;
  /** Refuse clients without a valid certificate (1.2). Default false; needs servicePublicKey. */
  readonly requireClientCertificate?: boolean;
  /** Cookie secret rotation (default 60 s) and cookie lifetime (default 10 s). */
  readonly cookies?: CookieJarOptions;
}

/** True when the certificate names the expected account (every given field must match). */
export function matchesExpectedPeer(certificate: Certificate, expected: ExpectedPeer | undefined): boolean {
  if (expected === undefined) return true;
  if (expected.accountId !== undefined && certificate.accountId !== expected.accountId) return false;
  if (expected.username !== undefined && certificate.username !== expected.username) return false;
  if (expected.certificate !== undefined && !equalConstantTime(certificate.bytes, expected.certificate)) return false;
  return true;
}
