/**
 * Server side of the handshake for the Endpoint (docs/PROTOCOL.md §7), sans-IO.
 *
 * `ServerHandshake.onHello` is stateless until the cookie verifies: a HELLO without a valid
 * cookie yields a RETRY (smaller than the HELLO) and nothing is stored. A HELLO with a valid
 * cookie yields a `PendingHandshake`: the server's key share, the session keys, and the SERVER
 * HELLO + Finished ACK bytes, kept so a retransmitted HELLO gets exactly the same answer.
 */
import { Flag } from '../wire/constants.js';
import { encodePacket } from '../wire/encode.js';
import { WireError } from '../wire/errors.js';
import type { AuthPacket } from '../wire/packet.js';
import {
  CookieJar,
  HandshakeError,
  buildFinishedAck,
  buildRetry,
  buildServerHello,
  buildTranscript,
  checkFinishedData,
  chooseAead,
  deriveSessionKeys,
  encodeFinishedData,
  parseCertificate,
  parseHello,
  requireValidCertificate,
  x25519KeyPair,
  type AeadChoice,
  type Certificate,
  type CookieJarOptions,
  type HelloFields,
  type Identity,
  type RandomFill,
  type SessionKeys,
} from './handshake/index.js';
import { equalBytes } from './endpoint-bytes.js';
import { AeadProtection } from './packet-protection.js';
import { HANDSHAKE_FLAGS, UNENCRYPTED_OFFER_BIT, aeadFor } from './session-protection.js';

export interface ServerHandshakeConfig {
  readonly random: RandomFill;
  readonly identity?: Identity;
  readonly password?: string;
  readonly aeadPreference?: readonly AeadChoice[];
  readonly servicePublicKey?: Uint8Array;
  readonly requireClientCertificate?: boolean;
  readonly admitClient?: (certificate: Certificate | undefined) => boolean;
  readonly unencrypted?: boolean;
  readonly cookies?: CookieJarOptions;
}

export type HelloOutcome =
  /** Not a HELLO, malformed, short or with non-zero padding: no reply (PROTOCOL.md §7.4). */
  | { readonly kind: 'drop'; readonly malformed: boolean }
  /** No or bad cookie: answer with this RETRY; `cookieInvalid` when a cookie was present. */
  | { readonly kind: 'retry'; readonly datagram: Uint8Array; readonly cookieInvalid: boolean }
  /** The cookie verified: the address is validated. */
  | { readonly kind: 'validated'; readonly hello: HelloFields };

export class ServerHandshake {
  private jar: CookieJar | undefined;

  constructor(private readonly config: ServerHandshakeConfig) {
    if (config.requireClientCertificate && !config.servicePublicKey) {
      throw new RangeError('requireClientCertificate needs servicePublicKey');
    }
  }

  /** Next cookie-secret rotation, if the jar exists yet. */
  get nextRotationAt(): number | undefined {
    return this.jar?.nextRotationAt;
  }

  rotateIfDue(now: number): void {
    this.jar?.rotateIfDue(now, this.config.random);
  }

  /** The cookie jar is created with the first HELLO (the constructor has no `now`). */
  private cookies(now: number): CookieJar {
    this.jar ??= new CookieJar(now, this.config.random, this.config.cookies);
    return this.jar;
  }

  /** Stateless HELLO processing: keeps nothing whatever the outcome. */
  onHello(now: number, address: string, packet: AuthPacket): HelloOutcome {
    let hello: HelloFields;
    try {
      hello = parseHello(packet);
    } catch (e) {
      if (e instanceof HandshakeError) return { kind: 'drop', malformed: true };
      throw e;
    }
    const jar = this.cookies(now);
    if (hello.cookie.length > 0 && jar.verify(hello.cookie, address, hello.publicKey, hello.clientRandom, now).ok) {
      return { kind: 'validated', hello };
    }
    const cookie = jar.issue(address, hello.publicKey, hello.clientRandom, now);
    const datagram = encodePacket(buildRetry(cookie, { sequence: 0, flags: HANDSHAKE_FLAGS }));
    return { kind: 'retry', datagram, cookieInvalid: hello.cookie.length > 0 };
  }

  /**
   * Starts the key exchange for a validated HELLO. Throws HandshakeError (1.0 no common AEAD,
   * unencrypted mode refused or bad key share; 1.2 client certificate) for the caller to report.
   */
  accept(now: number, address: string, hello: HelloFields, deadline: number): PendingHandshake {
    const c = this.config;
    const unencrypted = (hello.aeadOffer & UNENCRYPTED_OFFER_BIT) !== 0;
    if (unencrypted && !c.unencrypted) {
      throw new HandshakeError('no-common-aead', 'client asked for the unencrypted mode; this server requires encryption');
    }
    let clientCert: Certificate | undefined;
    if (hello.certificate.length > 0) {
      // A sent certificate is always proven by CertificateVerify; trusted only with a service key.
      clientCert = c.servicePublicKey
        ? requireValidCertificate(hello.certificate, c.servicePublicKey, now)
        : parseCertificate(hello.certificate);
    } else if (c.requireClientCertificate) {
      throw new HandshakeError('certificate-missing', 'this server requires a client certificate');
    }
    if (c.admitClient !== undefined && !c.admitClient(clientCert)) {
      throw new HandshakeError('certificate-rejected', 'this server does not admit that account');
    }
    const aeadChoice = chooseAead(hello.aeadOffer, c.aeadPreference);
    if (aeadChoice === undefined) throw new HandshakeError('no-common-aead', 'no common AEAD');
    const keyPair = x25519KeyPair(c.random);
    const serverRandom = new Uint8Array(32);
    c.random(serverRandom);
    const fields = { publicKey: keyPair.publicKey, certificate: c.identity?.certificate ?? new Uint8Array(0), serverRandom, aeadChoice };
    const keys = deriveSessionKeys({
      role: 'server',
      privateKey: keyPair.privateKey,
      password: c.password,
      transcript: buildTranscript(hello, fields),
    });
    const serverHello = encodePacket(buildServerHello(fields, { sequence: 0, flags: HANDSHAKE_FLAGS }));
    const finished = encodePacket(
      buildFinishedAck(encodeFinishedData(keys, c.identity), { sequence: 1, ackId: 0, ackBits: 0, flags: HANDSHAKE_FLAGS }),
    );
    return new PendingHandshake(address, hello, keys, clientCert, unencrypted, [serverHello, finished], deadline);
  }
}

/** A handshake past cookie validation, waiting for the client's Finished. */
export class PendingHandshake {
  /** Fed by the endpoint to recognise a retransmitted HELLO. */
  readonly clientKey: Uint8Array;
  readonly clientRandom: Uint8Array;

  constructor(
    readonly address: string,
    hello: HelloFields,
    readonly keys: SessionKeys,
    /** The client's certificate; proven only once checkClientFinished passed. */
    readonly clientCert: Certificate | undefined,
    readonly unencrypted: boolean,
    /** SERVER HELLO, then the server's Finished ACK: re-sent as is for a retransmitted HELLO. */
    readonly reply: readonly Uint8Array[],
    readonly deadline: number,
  ) {
    // copies: the views would keep the whole 1200-byte HELLO datagram alive with the connection
    this.clientKey = hello.publicKey.slice();
    this.clientRandom = hello.clientRandom.slice();
  }

  /** True when `hello` is a retransmission of the HELLO this handshake answered. */
  isSameHello(hello: Pick<HelloFields, 'publicKey' | 'clientRandom'>): boolean {
    return equalBytes(hello.publicKey, this.clientKey) && equalBytes(hello.clientRandom, this.clientRandom);
  }

  /** Throws HandshakeError 1.3 (wrong Finished) or 1.2 (CertificateVerify) on a bad client Finished. */
  checkClientFinished(data: Uint8Array): void {
    checkFinishedData(data, this.keys, this.clientCert);
  }

  /**
   * Implicit confirmation: a datagram sealed under the client → server key proves the client
   * derived the same keys, which it does only after checking our Finished and sending its own.
   * Opened with a throwaway protection, so the real Connection can open it again.
   */
  opensSealed(bytes: Uint8Array): boolean {
    if (this.unencrypted) return false;
    if (bytes.length < 2 || ((bytes[1] as number) & Flag.ENCRYPTED) === 0) return false;
    try {
      return new AeadProtection(aeadFor(this.keys), this.keys.send, this.keys.receive).unprotect(bytes).ok;
    } catch (e) {
      if (e instanceof WireError) return false;
      throw e;
    }
  }
}

