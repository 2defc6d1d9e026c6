/**
 * Client side of the handshake for the Endpoint (docs/PROTOCOL.md §7), sans-IO:
 *
 *   HELLO (padded to 1,200 bytes) → [RETRY → HELLO with cookie] → SERVER HELLO + server Finished
 *   → client Finished (then the Endpoint creates the Connection).
 *
 * The HELLO is retransmitted with an RTO of 250 ms that doubles up to 500 ms (restarting at 250 ms
 * after the RETRY), until the handshake timeout.
 * At most one RETRY is accepted (a RETRY is not authenticated). SERVER HELLO and the server's
 * Finished ACK may arrive in either order; the first of each is kept.
 *
 * Online certificate validation (§7.3, `validateOnline`): once the server's certificate, Finished
 * and CertificateVerify have passed offline, the handshake answers `validate` instead of
 * `established` and holds back its Finished until `certificateValidated` gives the verdict
 * ('invalid': 1.2; 'valid' or 'unavailable': established). The handshake timeout keeps running
 * meanwhile; reaching it is 1.2.
 */
import { PacketType } from '../wire/constants.js';
import { encodePacket } from '../wire/encode.js';
import { ErrorCode, lookupErrorCode, type ErrorCodeInfo } from '../wire/errors.js';
import type { AuthPacket, Packet } from '../wire/packet.js';
import {
  AuthKind,
  DEFAULT_AEAD_PREFERENCE,
  HandshakeError,
  aeadOfferMask,
  buildFinishedAck,
  buildHello,
  buildTranscript,
  checkFinishedData,
  deriveSessionKeys,
  encodeFinishedData,
  matchesExpectedPeer,
  parseCertificate,
  parseRetry,
  parseServerHello,
  requireValidCertificate,
  x25519KeyPair,
  type AeadChoice,
  type Certificate,
  type ExpectedPeer,
  type Identity,
  type RandomFill,
  type SessionKeys,
  type X25519KeyPair,
} from './handshake/index.js';
import { HANDSHAKE_FLAGS, UNENCRYPTED_OFFER_BIT } from './session-protection.js';

export interface ClientHandshakeConfig {
  readonly random: RandomFill;
  readonly identity?: Identity;
  readonly password?: string;
  readonly servicePublicKey?: Uint8Array;
  readonly expectedServer?: ExpectedPeer;
  readonly aeadOffer?: readonly AeadChoice[];
  readonly unencrypted?: boolean;
  /**
   * Ask the I/O layer for an online verdict on a server certificate that verified offline under
   * `servicePublicKey` (without the key there is nothing verified to ask about). Default false.
   */
  readonly validateOnline?: boolean;
  readonly handshakeTimeoutMs: number;
  readonly initialRtoMs: number;
}

/** The I/O layer's answer to a `validate` outcome ('unavailable': the service could not be asked). */
export type CertificateVerdict = 'valid' | 'invalid' | 'unavailable';

export type ClientOutcome =
  | { readonly kind: 'pending' }
  /** Offline checks passed; the client Finished waits for `certificateValidated`. */
  | { readonly kind: 'validate'; readonly certificate: Uint8Array }
  | {
      readonly kind: 'established';
      readonly keys: SessionKeys;
      readonly unencrypted: boolean;
      /** The client's Finished ACK datagram: sent now, retransmitted until the server answers. */
      readonly finished: Uint8Array;
    }
  | {
      readonly kind: 'failed';
      readonly code: ErrorCodeInfo;
      readonly detail: string;
      /** ERROR datagram to tell the server, when the failure is ours to report. */
      readonly notify: boolean;
    };

const PENDING: ClientOutcome = { kind: 'pending' };
/** The HELLO RTO doubles up to this, so a lossy path still gets several tries within the timeout. */
export const MAX_HELLO_RTO_MS = 500;

export class ClientHandshake {
  readonly deadline: number;
  private readonly keyPair: X25519KeyPair;
  private readonly clientRandom = new Uint8Array(32);
  private readonly offer: number;
  private readonly certificate: Uint8Array;
  private cookie: Uint8Array = new Uint8Array(0);
  private retried = false;
  private sequence = 0;
  private rto: number;
  private retransmitAt: number;
  private serverHello: AuthPacket | undefined;
  private serverFinished: Uint8Array | undefined;
  private done = false;
  /** Set while the client Finished waits for an online certificate verdict. */
  private awaiting: { readonly keys: SessionKeys; readonly certificate: Uint8Array } | undefined;
  /** Datagrams to send (HELLOs); drained by the endpoint. */
  readonly outgoing: Uint8Array[] = [];

  constructor(
    now: number,
    private readonly config: ClientHandshakeConfig,
  ) {
    this.keyPair = x25519KeyPair(config.random);
    config.random(this.clientRandom);
    this.offer = aeadOfferMask(config.aeadOffer ?? DEFAULT_AEAD_PREFERENCE) | (config.unencrypted ? UNENCRYPTED_OFFER_BIT : 0);
    this.certificate = config.identity?.certificate ?? new Uint8Array(0);
    this.deadline = now + config.handshakeTimeoutMs;
    this.rto = config.initialRtoMs;
    this.retransmitAt = now + this.rto;
    this.sendHello();
  }

  /** True while the handshake waits for `certificateValidated`. */
  get awaitingValidation(): boolean {
    return this.awaiting !== undefined;
  }

  pollTimeout(): number | undefined {
    if (this.awaiting !== undefined) return this.deadline; // nothing to retransmit: the server answered
    return this.done ? undefined : Math.min(this.deadline, this.retransmitAt);
  }

  handleTimeout(now: number): ClientOutcome {
    if (this.awaiting !== undefined) {
      if (now < this.deadline) return PENDING;
      this.awaiting = undefined;
      this.done = true;
      return { kind: 'failed', code: ErrorCode.CERTIFICATE_INVALID, detail: `no online certificate verdict within ${this.config.handshakeTimeoutMs} ms`, notify: true };
    }
    if (this.done) return PENDING;
    if (now >= this.deadline) {
      this.done = true;
      return { kind: 'failed', code: ErrorCode.CONNECTION, detail: `no answer within ${this.config.handshakeTimeoutMs} ms`, notify: false };
    }
    if (now >= this.retransmitAt) {
      this.rto = Math.min(this.rto * 2, MAX_HELLO_RTO_MS);
      this.retransmitAt = now + this.rto;
      this.sendHello();
    }
    return PENDING;
  }

  /**
   * The online verdict for the certificate of a `validate` outcome. Ignored unless one is awaited.
   * A verdict at or after the deadline counts as the timeout (1.2).
   */
  certificateValidated(now: number, verdict: CertificateVerdict): ClientOutcome {
    const awaiting = this.awaiting;
    if (awaiting === undefined) return PENDING;
    this.awaiting = undefined;
    this.done = true;
    if (verdict === 'invalid') {
      return { kind: 'failed', code: ErrorCode.CERTIFICATE_INVALID, detail: 'certificate revoked (online validation)', notify: true };
    }
    if (now >= this.deadline) {
      return { kind: 'failed', code: ErrorCode.CERTIFICATE_INVALID, detail: `no online certificate verdict within ${this.config.handshakeTimeoutMs} ms`, notify: true };
    }
    return this.establish(awaiting.keys);
  }

  /** A decoded, unsealed datagram from the server's address. */
  handlePacket(now: number, packet: Packet): ClientOutcome {
    if (this.awaiting !== undefined) return PENDING; // the server's flight is complete; its repeats change nothing
    if (this.done) return PENDING;
    try {
      switch (packet.type) {
        case PacketType.AUTH:
          if (packet.authKind === AuthKind.RETRY) {
            if (this.retried || this.serverHello !== undefined) return PENDING; // at most one RETRY
            this.cookie = parseRetry(packet);
            this.retried = true;
            // progress: the path works, so restart the retransmission timer from its initial value
            this.rto = this.config.initialRtoMs;
            this.retransmitAt = now + this.rto;
            this.sendHello();
          } else if (packet.authKind === AuthKind.SERVER_HELLO) {
            this.serverHello ??= packet;
          }
          break;
        case PacketType.ACK:
          if (packet.data.length > 0) this.serverFinished ??= packet.data.slice();
          break;
        case PacketType.ERROR: {
          // Unauthenticated; only handshake codes (major 1) end the attempt.
          if (packet.major !== 1) return PENDING;
          this.done = true;
          const code = lookupErrorCode(packet.major, packet.minor) ?? ErrorCode.CONNECTION;
          return { kind: 'failed', code, detail: `server refused: ${new TextDecoder().decode(packet.data)}`, notify: false };
        }
        default:
          return PENDING;
      }
      if (this.serverHello !== undefined && this.serverFinished !== undefined) return this.complete(now);
      return PENDING;
    } catch (e) {
      if (!(e instanceof HandshakeError)) throw e;
      this.done = true;
      return { kind: 'failed', code: e.info, detail: e.message, notify: true };
    }
  }

  private complete(now: number): ClientOutcome {
    const c = this.config;
    const sh = parseServerHello(this.serverHello as AuthPacket, this.offer);
    let serverCert: Certificate | undefined;
    if (c.servicePublicKey) {
      if (sh.certificate.length === 0) throw new HandshakeError('certificate-missing', 'server sent no certificate');
      serverCert = requireValidCertificate(sh.certificate, c.servicePublicKey, now);
      if (!matchesExpectedPeer(serverCert, c.expectedServer)) {
        throw new HandshakeError('certificate-rejected', `certificate names ${serverCert.username} (${serverCert.accountId}), not the expected server`);
      }
    } else if (sh.certificate.length > 0) {
      serverCert = parseCertificate(sh.certificate); // not trusted, but CertificateVerify is still required
    }
    const keys = deriveSessionKeys({
      role: 'client',
      privateKey: this.keyPair.privateKey,
      password: c.password,
      transcript: buildTranscript(
        { publicKey: this.keyPair.publicKey, certificate: this.certificate, clientRandom: this.clientRandom, aeadOffer: this.offer },
        sh,
      ),
    });
    checkFinishedData(this.serverFinished as Uint8Array, keys, serverCert);
    if (c.validateOnline && c.servicePublicKey && serverCert !== undefined) {
      // trusted offline; the Finished waits for the online verdict (the handshake timeout keeps running)
      this.awaiting = { keys, certificate: serverCert.bytes };
      return { kind: 'validate', certificate: serverCert.bytes.slice() };
    }
    this.done = true;
    return this.establish(keys);
  }

  private establish(keys: SessionKeys): ClientOutcome {
    const c = this.config;
    const finished = encodePacket(
      buildFinishedAck(encodeFinishedData(keys, c.identity), { sequence: this.sequence++, ackId: 1, ackBits: 1, flags: HANDSHAKE_FLAGS }),
    );
    const unencrypted = (this.offer & UNENCRYPTED_OFFER_BIT) !== 0;
    return { kind: 'established', keys, unencrypted, finished };
  }

  private sendHello(): void {
    const packet = buildHello(
      { publicKey: this.keyPair.publicKey, certificate: this.certificate, clientRandom: this.clientRandom, aeadOffer: this.offer, cookie: this.cookie },
      { sequence: this.sequence++ & 0xffff, flags: HANDSHAKE_FLAGS },
    );
    this.outgoing.push(encodePacket(packet));
  }
}

