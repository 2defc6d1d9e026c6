/**
 * A sans-IO endpoint (quinn's `Endpoint`): it owns every handshake and `Connection` of one UDP
 * socket without owning the socket, a clock or a random source. The owner feeds it datagrams
 * with their source address and the time (`handleDatagram`, `handleTimeout`) and drains it
 * (`pollTransmit`, `pollTimeout`, `pollEvent`). It can listen (server), connect (client), or both.
 *
 * Server rules (docs/PROTOCOL.md §7.1.2, §7.5):
 * - no per-address state before the HELLO's cookie verifies: a HELLO without a valid cookie gets
 *   a stateless RETRY, and every reply before validation is smaller than the datagram causing it;
 * - after validation: rate limit per address, then capacity (ERROR 1.1 NO SPACE), then the
 *   pending handshake; its SERVER HELLO + Finished bytes are stored and repeated for a
 *   retransmitted HELLO;
 * - the handshake is confirmed by the client's Finished ACK, or by the first datagram sealed
 *   under the client → server key (the Finished may be lost; only a client that checked our
 *   Finished and derived the keys can seal). Then the Connection is created and `connected` emitted.
 *
 * Client: the client's Finished ACK is retransmitted (RTO 250 ms, doubling up to 500 ms) until the first
 * valid protected datagram from the server arrives, at most for the handshake timeout.
 *
 * Online certificate validation (§7.3; `validateCertificatesOnline`): once the server's certificate
 * has verified offline (with the server's Finished and CertificateVerify), the endpoint emits
 * `validate-certificate` and holds back the client Finished; the driver runs the check and answers
 * with `certificateValidated(now, handle, verdict)`. 'invalid' fails the handshake with 1.2 (and
 * tells the server with an unsealed 1.2 ERROR), 'valid' and 'unavailable' (the check could not be
 * made: the offline verdict stands) complete it; no verdict within the handshake timeout is 1.2.
 */
import { Flag, PacketType } from '../wire/constants.js';
import { decodePacket } from '../wire/decode.js';
import { ErrorCode, WireError, lookupErrorCode, type ErrorCodeInfo } from '../wire/errors.js';
import type { Packet } from '../wire/packet.js';
import type { ChannelKind } from './channel-kind.js';
import { ClientHandshake, MAX_HELLO_RTO_MS, type CertificateVerdict, type ClientOutcome } from './client-handshake.js';
import { Connection, type ConnectionStats } from './connection.js';
import type { DisconnectReason } from './connection-events.js';
import type { ConnectionOptions } from './connection-options.js';
import { equalBytes } from './endpoint-bytes.js';
import { Fifo } from './fifo.js';
import {
  AuthKind,
  HandshakeError,
  checkIdentity,
  type AeadChoice,
  type CookieJarOptions,
  type ExpectedPeer,
  type Certificate,
  type Identity,
  type RandomFill,
} from './handshake/index.js';
import { ServerHandshake, type PendingHandshake } from './server-handshake.js';
import type { ConnectionOffload } from './connection-offload.js';
import type { SessionKeys } from './handshake/index.js';
import { TimerHeap } from './timer-heap.js';
import { handshakeErrorDatagram, sessionProtection } from './session-protection.js';

/** "127.0.0.1:4000" or "[::1]:4000" (`formatAddress` of the handshake module). */
export type Address = string;
export type ConnectionHandle = number;
export type { CertificateVerdict } from './client-handshake.js';

export interface EndpointOptions {
  /** Every random byte (key shares, randoms, cookie secrets). Required: `crypto.randomFillSync` in production. */
  readonly random: RandomFill;
  /** Accept incoming handshakes (server role). Default false: connect() only. */
  readonly listen?: boolean;
  /** Server: first offered algorithm wins. Client: algorithms offered. Default XChaCha20-Poly1305, AES-256-GCM. */
  readonly aeadPreference?: readonly AeadChoice[];
  /** Shared secret mixed into the key schedule; must match on both sides. Default none. */
  readonly password?: string;
  /** This endpoint's certificate and private seed (sent as server, and as client). Default none. */
  readonly identity?: Identity;
  /**
   * Accounts service public key. Client: the server must present a certificate valid under it
   * (else 1.2). Server: verifies client certificates. Default none.
   */
  readonly servicePublicKey?: Uint8Array;
  /** Client: the account the server certificate must name (1.2 otherwise). Default any. */
  readonly expectedServer?: ExpectedPeer;
  /**
   * Client: before sending its Finished, ask the driver for an online verdict on the server
   * certificate (event `validate-certificate`, answered by `certificateValidated`). Applies only
   * when `servicePublicKey` is set (the certificate is checked offline first). Default false.
   */
  readonly validateCertificatesOnline?: boolean;
  /** Server: refuse clients without a valid certificate (1.2). Needs servicePublicKey. Default false. */
  readonly requireClientCertificate?: boolean;
  /**
   * Server: decides from the client's certificate (verified under servicePublicKey, or undefined
   * when none was sent) whether this account may connect at all; false fails the handshake with
   * 1.2 before any state is kept. CertificateVerify still proves the key afterwards. Default: all.
   */
  readonly admitClient?: (certificate: Certificate | undefined) => boolean;
  /** Established plus pending connections at most; a validated HELLO beyond it gets ERROR 1.1. Default 1024. */
  readonly maxConnections?: number;
  /** New handshakes per validated address per second; excess HELLOs are counted and dropped. Default 10. */
  readonly handshakesPerAddressPerSecond?: number;
  /** A handshake not finished in this time fails (1.0). Default 5000 ms. */
  readonly handshakeTimeoutMs?: number;
  /** First HELLO / Finished retransmission timeout, doubled each time. Default 250 ms. */
  readonly handshakeRtoMs?: number;
  /** Passed to every Connection. */
  readonly connection?: ConnectionOptions;
  /**
   * LAN/debug mode without encryption (CRC-32 checksums instead). Used only when both sides opt in:
   * a client with it asks (reserved aead_offer bit 0x80); a server without it refuses with 1.0.
   * Default false.
   */
  readonly unencrypted?: boolean;
  /** Cookie secret rotation (default 60 s) and lifetime (default 10 s). */
  readonly cookies?: CookieJarOptions;
  /**
   * An I/O engine that opens and seals established connections' datagrams itself (the native
   * batch path): told which addresses are handshakes and connections, it feeds opened packets
   * to `handleOpened`. Default none: every datagram goes through `handleDatagram`.
   */
  readonly offload?: ConnectionOffload;
}

export type EndpointEvent =
  /**
   * `peerCertificate` (server role): the client's certificate, proven by CertificateVerify and
   * trusted when `servicePublicKey` is set (it was then also verified). Undefined when none was sent.
   */
  | {
      readonly type: 'connected';
      readonly handle: ConnectionHandle;
      readonly address: Address;
      readonly role: 'client' | 'server';
      readonly peerCertificate?: Certificate;
    }
  | { readonly type: 'message'; readonly handle: ConnectionHandle; readonly kind: ChannelKind; readonly channel: number; readonly data: Uint8Array }
  | { readonly type: 'disconnect'; readonly handle: ConnectionHandle; readonly reason: DisconnectReason; readonly code: ErrorCodeInfo; readonly detail: string }
  /** The peer reported an error about something we sent (informational, 3.x). */
  | { readonly type: 'peer-error'; readonly handle: ConnectionHandle; readonly code: ErrorCodeInfo; readonly detail: string }
  /**
   * Client: the server certificate (its encoding) verified offline and needs an online verdict;
   * answer with `certificateValidated(now, handle, verdict)` before the handshake timeout.
   */
  | { readonly type: 'validate-certificate'; readonly handle: ConnectionHandle; readonly address: Address; readonly certificate: Uint8Array }
  /** `handle` is set for a handshake this endpoint started with connect(). */
  | { readonly type: 'handshake-failed'; readonly address: Address; readonly handle?: ConnectionHandle; readonly code: ErrorCodeInfo; readonly detail: string };

export interface EndpointStats {
  /** connect() calls plus server handshakes past cookie validation. */
  handshakesStarted: number;
  handshakesCompleted: number;
  handshakesFailed: number;
  retriesSent: number;
  /** HELLOs whose cookie was present but did not verify (expired, other address, forged). */
  cookiesInvalid: number;
  rejectedFull: number;
  rateLimited: number;
  /** Undecodable datagrams and malformed HELLOs. */
  malformed: number;
  /** Datagrams from addresses with nothing to receive them (and non-HELLOs to a stranger), and unsealed non-handshake datagrams on an encrypted connection. */
  unroutable: number;
  /** SERVER HELLO flights repeated for a retransmitted HELLO. */
  repliesRepeated: number;
  /** Handshakes confirmed by a sealed datagram instead of the client's Finished ACK. */
  implicitConfirmations: number;
}

interface FinishedRetransmit {
  readonly bytes: Uint8Array;
  rto: number;
  at: number;
  readonly until: number;
}

interface ConnectionRecord {
  readonly handle: ConnectionHandle;
  readonly address: Address;
  readonly role: 'client' | 'server';
  readonly connection: Connection;
  readonly unencrypted: boolean;
  /**
   * Server: the answered HELLO and its stored reply, repeated for a late retransmission; let go
   * once the client sends something sealed (it has the reply then).
   */
  pending?: PendingHandshake;
  /** Client: its Finished ACK, until the server is heard from. */
  finished?: FinishedRetransmit;
  /** The deadline this record has in the timer heap (entries with another time are stale). */
  deadline?: number;
}

interface ClientRecord {
  readonly handle: ConnectionHandle;
  readonly address: Address;
  readonly handshake: ClientHandshake;
}

interface PendingRecord {
  readonly handle: ConnectionHandle;
  readonly handshake: PendingHandshake;
}

interface RateWindow {
  start: number;
  count: number;
}

const RATE_WINDOW_MS = 1000;
/** Smallest unencrypted ACK with data: fixed header, checksum, ACK fields. */
const PURE_CHECKSUM_ACK = 4 + 4 + 6;

export class Endpoint {
  readonly stats: EndpointStats = {
    handshakesStarted: 0, handshakesCompleted: 0, handshakesFailed: 0, retriesSent: 0, cookiesInvalid: 0, rejectedFull: 0,
    rateLimited: 0, malformed: 0, unroutable: 0, repliesRepeated: 0, implicitConfirmations: 0,
  };
  private readonly o: EndpointOptions & {
    readonly maxConnections: number;
    readonly handshakesPerAddressPerSecond: number;
    readonly handshakeTimeoutMs: number;
    readonly handshakeRtoMs: number;
  };
  private readonly server: ServerHandshake | undefined;
  private readonly connections = new Map<Address, ConnectionRecord>();
  private readonly byHandle = new Map<ConnectionHandle, ConnectionRecord>();
  private readonly clients = new Map<Address, ClientRecord>();
  private readonly pending = new Map<Address, PendingRecord>();
  /** Handshake starts per validated address in the current one-second window. */
  private readonly rate = new Map<Address, RateWindow>();
  private readonly outgoing = new Fifo<{ to: Address; bytes: Uint8Array }>();
  private readonly events = new Fifo<EndpointEvent>();
  /**
   * Scheduling that scales with busy connections, not with all of them: a connection touched by
   * a datagram, a send, a close or its timer may have something to transmit (`transmitting`) and
   * a new deadline (`retime`); idle connections cost nothing until their deadline surfaces in
   * the heap.
   */
  private readonly transmitting = new Set<ConnectionRecord>();
  private readonly retime = new Set<ConnectionRecord>();
  private readonly timers = new TimerHeap<ConnectionRecord>();
  private nextHandle = 1;
  private closed = false;

  constructor(options: EndpointOptions) {
    if (typeof options.random !== 'function') throw new TypeError('options.random is required');
    this.o = {
      ...options,
      maxConnections: options.maxConnections ?? 1024,
      handshakesPerAddressPerSecond: options.handshakesPerAddressPerSecond ?? 10,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 5000,
      handshakeRtoMs: options.handshakeRtoMs ?? 250,
    };
    if (!Number.isInteger(this.o.maxConnections) || this.o.maxConnections < 0) throw new RangeError('maxConnections must be an integer ≥ 0');
    if (!(this.o.handshakeTimeoutMs > 0) || !(this.o.handshakeRtoMs > 0)) throw new RangeError('handshake timers must be positive');
    if (options.identity) checkIdentity(options.identity);
    this.server = options.listen
      ? new ServerHandshake({
          random: options.random,
          identity: options.identity,
          password: options.password,
          aeadPreference: options.aeadPreference,
          servicePublicKey: options.servicePublicKey,
          requireClientCertificate: options.requireClientCertificate,
          admitClient: options.admitClient,
          unencrypted: options.unencrypted,
          cookies: options.cookies,
        })
      : undefined;
  }

  /** Established connections (both roles, including closing ones). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Server handshakes past cookie validation, not yet confirmed. */
  get pendingHandshakeCount(): number {
    return this.pending.size;
  }

  /**
   * Addresses this endpoint holds any state for (connections, handshakes both ways, rate-limit
   * windows). Unvalidated senders never add to it.
   */
  get trackedAddressCount(): number {
    const all = new Set<Address>([...this.connections.keys(), ...this.pending.keys(), ...this.clients.keys(), ...this.rate.keys()]);
    return all.size;
  }

  /** Client handshakes in progress. */
  get connectingCount(): number {
    return this.clients.size;
  }

  // ---- application API ----

  /** Starts a client handshake with `address`; the handle is reported by `connected` or `handshake-failed`. */
  connect(now: number, address: Address): ConnectionHandle {
    if (this.closed) throw new Error('endpoint is closed');
    if (this.connections.has(address) || this.clients.has(address) || this.pending.has(address)) {
      throw new Error(`already connected or connecting to ${address}`);
    }
    const handle = this.nextHandle++;
    const handshake = new ClientHandshake(now, {
      random: this.o.random,
      identity: this.o.identity,
      password: this.o.password,
      servicePublicKey: this.o.servicePublicKey,
      expectedServer: this.o.expectedServer,
      aeadOffer: this.o.aeadPreference,
      unencrypted: this.o.unencrypted,
      validateOnline: this.o.validateCertificatesOnline === true,
      handshakeTimeoutMs: this.o.handshakeTimeoutMs,
      initialRtoMs: this.o.handshakeRtoMs,
    });
    this.clients.set(address, { handle, address, handshake });
    this.o.offload?.watch(address);
    this.stats.handshakesStarted++;
    this.drainClient(address, handshake);
    return handle;
  }

  /**
   * The driver's answer to `validate-certificate`: 'valid' or 'unavailable' (the offline verdict
   * stands) sends the client Finished, 'invalid' fails the handshake with 1.2. Returns false (and
   * does nothing) when no validation is awaited for `handle` (abandoned, timed out, answered).
   */
  certificateValidated(now: number, handle: ConnectionHandle, verdict: CertificateVerdict): boolean {
    for (const client of this.clients.values()) {
      if (client.handle !== handle || !client.handshake.awaitingValidation) continue;
      this.onClientOutcome(now, client, client.handshake.certificateValidated(now, verdict));
      return true;
    }
    return false;
  }

  /** Queues a message on an established connection (throws like Connection.send). */
  send(handle: ConnectionHandle, data: Uint8Array, kind: ChannelKind, channel = 0): void {
    const record = this.byHandle.get(handle);
    if (record === undefined) throw new Error(`no connection ${handle}`);
    record.connection.send(data, kind, channel);
    this.touch(record);
  }

  /**
   * Graceful disconnect of one connection: 2.2 CLIENT DISCONNECT from a client, 2.0 DISCONNECT
   * from a server (kick), unless `code` says otherwise. A handshake in progress is abandoned.
   */
  disconnect(now: number, handle: ConnectionHandle, detail = '', code?: ErrorCodeInfo): void {
    const record = this.byHandle.get(handle);
    if (record !== undefined) {
      record.finished = undefined;
      record.connection.close(now, code ?? (record.role === 'client' ? ErrorCode.CLIENT_DISCONNECT : ErrorCode.DISCONNECT), detail);
      this.touch(record);
      this.drainConnection(record);
      return;
    }
    for (const [address, client] of this.clients) {
      if (client.handle !== handle) continue;
      this.clients.delete(address);
      this.settle(address);
    }
  }

  connectionStats(handle: ConnectionHandle): ConnectionStats | undefined {
    return this.byHandle.get(handle)?.connection.stats;
  }

  addressOf(handle: ConnectionHandle): Address | undefined {
    return this.byHandle.get(handle)?.address;
  }

  /**
   * Shutdown: stops accepting handshakes, abandons those in progress, and closes every
   * connection (2.1 SERVER DISCONNECT for accepted ones, 2.2 for those this endpoint opened).
   * Each Connection waits for its acknowledgement; drive the endpoint until connectionCount is 0.
   */
  close(now: number): void {
    this.closed = true;
    const abandoned = [...this.clients.keys(), ...this.pending.keys()];
    this.clients.clear();
    this.pending.clear();
    for (const address of abandoned) this.settle(address);
    for (const record of [...this.connections.values()]) {
      record.finished = undefined;
      record.connection.close(now, record.role === 'server' ? ErrorCode.SERVER_DISCONNECT : ErrorCode.CLIENT_DISCONNECT, 'shutting down');
      this.touch(record);
      this.drainConnection(record);
    }
  }

  // ---- sans-IO driver API ----

  pollEvent(): EndpointEvent | undefined {
    return this.events.shift();
  }

  pollTransmit(now: number): { to: Address; bytes: Uint8Array } | undefined {
    const queued = this.outgoing.shift();
    if (queued !== undefined) return queued;
    for (const record of this.transmitting) {
      const bytes = record.connection.pollTransmit(now);
      // sending arms timers (retransmission, pacing): the deadline is recomputed either way
      this.retime.add(record);
      if (bytes !== undefined) return { to: record.address, bytes };
      this.transmitting.delete(record);
    }
    return undefined;
  }

  pollTimeout(): number | undefined {
    let t = Number.POSITIVE_INFINITY;
    for (const c of this.clients.values()) t = Math.min(t, c.handshake.pollTimeout() ?? t);
    for (const p of this.pending.values()) t = Math.min(t, p.handshake.deadline);
    t = Math.min(t, this.nextConnectionDeadline() ?? t);
    if (this.server !== undefined && !this.closed) t = Math.min(t, this.server.nextRotationAt ?? t);
    return t === Number.POSITIVE_INFINITY ? undefined : t;
  }

  handleTimeout(now: number): void {
    this.server?.rotateIfDue(now);
    for (const [address, client] of [...this.clients]) {
      const outcome = client.handshake.handleTimeout(now);
      this.drainClient(address, client.handshake);
      if (outcome.kind === 'failed') this.failClient(client, outcome.code, outcome.detail, outcome.notify);
    }
    for (const [address, p] of [...this.pending]) {
      if (now >= p.handshake.deadline) {
        this.pending.delete(address);
        this.settle(address);
        this.handshakeFailed(address, ErrorCode.CONNECTION, `no client Finished within ${this.o.handshakeTimeoutMs} ms`);
      }
    }
    for (const record of this.dueConnections(now)) {
      const f = record.finished;
      if (f !== undefined && now >= f.at) {
        if (now >= f.until) {
          record.finished = undefined;
        } else {
          this.outgoing.push({ to: record.address, bytes: f.bytes });
          f.rto = Math.min(f.rto * 2, MAX_HELLO_RTO_MS);
          f.at = Math.min(now + f.rto, f.until);
        }
      }
      const t = record.connection.pollTimeout();
      if (t !== undefined && t <= now) {
        record.connection.handleTimeout(now);
        this.drainConnection(record);
      }
      this.touch(record);
    }
    this.pruneRate(now);
  }

  handleDatagram(now: number, from: Address, bytes: Uint8Array): void {
    if (bytes.length < 4) {
      this.stats.malformed++;
      return;
    }
    const record = this.connections.get(from);
    if (record !== undefined) {
      this.toConnection(now, record, bytes);
      return;
    }
    const client = this.clients.get(from);
    if (client !== undefined) {
      const packet = this.decode(bytes);
      if (packet === undefined) return;
      this.onClientPacket(now, client, packet);
      return;
    }
    const pending = this.pending.get(from);
    if (pending !== undefined) {
      this.onPendingDatagram(now, pending, bytes);
      return;
    }
    if (this.server === undefined || this.closed || !isAuth(bytes)) {
      this.stats.unroutable++;
      return;
    }
    const packet = this.decode(bytes);
    if (packet === undefined) return;
    this.onHello(now, from, packet, bytes.length);
  }

  /**
   * A datagram the offload engine already opened (AEAD, replay check) and recorded in the
   * connection's receive window; `packet.data` is plaintext and only valid during this call.
   */
  handleOpened(now: number, from: Address, packet: Packet, wireLength: number): void {
    const record = this.connections.get(from);
    if (record === undefined) {
      this.stats.unroutable++;
      return;
    }
    const before = record.connection.counters.packetsReceived;
    record.connection.handleOpened(now, packet, wireLength);
    if (record.connection.counters.packetsReceived > before) this.heardFrom(record);
    this.touch(record);
    this.drainConnection(record);
  }

  /** The peer sent a valid protected datagram: it finished the handshake, nothing of it needs repeating. */
  private heardFrom(record: ConnectionRecord): void {
    record.finished = undefined;
    record.pending = undefined;
  }

  /** The offload engine dropped a reliable duplicate datagram: the peer still needs an ACK. */
  handleDuplicate(now: number, from: Address, wireLength: number): void {
    const record = this.connections.get(from);
    if (record === undefined) return;
    record.connection.handleDuplicate(now, wireLength);
    this.touch(record);
  }

  // ---- server ----

  private onHello(now: number, from: Address, packet: Packet, size: number): void {
    const server = this.server as ServerHandshake;
    if (packet.type !== PacketType.AUTH || packet.authKind !== AuthKind.HELLO) {
      this.stats.unroutable++;
      return;
    }
    const outcome = server.onHello(now, from, packet);
    if (outcome.kind === 'drop') {
      if (outcome.malformed) this.stats.malformed++;
      return;
    }
    if (outcome.kind === 'retry') {
      if (outcome.cookieInvalid) this.stats.cookiesInvalid++;
      this.sendBounded(from, outcome.datagram, size);
      this.stats.retriesSent++;
      return;
    }
    // The address is validated from here on: state may be kept for it.
    if (!this.takeRate(now, from)) {
      this.stats.rateLimited++;
      return;
    }
    if (this.connections.size + this.pending.size + this.clients.size >= this.o.maxConnections) {
      this.stats.rejectedFull++;
      this.sendBounded(from, handshakeErrorDatagram(ErrorCode.NO_SPACE, 'server full'), size);
      return;
    }
    let handshake: PendingHandshake;
    try {
      handshake = server.accept(now, from, outcome.hello, now + this.o.handshakeTimeoutMs);
    } catch (e) {
      if (!(e instanceof HandshakeError)) throw e;
      this.sendBounded(from, handshakeErrorDatagram(e.info, e.reason), size);
      this.handshakeFailed(from, e.info, e.message);
      return;
    }
    this.stats.handshakesStarted++;
    this.pending.set(from, { handle: this.nextHandle++, handshake });
    this.o.offload?.watch(from);
    this.sendFlight(from, handshake.reply, size);
  }

  private onPendingDatagram(now: number, p: PendingRecord, bytes: Uint8Array): void {
    const h = p.handshake;
    if (((bytes[1] as number) & Flag.ENCRYPTED) !== 0) {
      if (h.opensSealed(bytes)) {
        this.stats.implicitConfirmations++;
        const record = this.establishServer(now, p);
        this.toConnection(now, record, bytes);
      } else {
        this.stats.unroutable++;
      }
      return;
    }
    const packet = this.decode(bytes);
    if (packet === undefined) return;
    switch (packet.type) {
      case PacketType.AUTH:
        this.repeatReply(h, packet, bytes.length);
        return;
      case PacketType.ACK:
        if (packet.data.length === 0 || (packet.flags & Flag.RELIABLE) !== 0) break;
        try {
          h.checkClientFinished(packet.data);
        } catch (e) {
          if (!(e instanceof HandshakeError)) throw e;
          this.pending.delete(h.address);
          this.settle(h.address);
          this.sendBounded(h.address, handshakeErrorDatagram(e.info, e.reason), bytes.length);
          this.handshakeFailed(h.address, e.info, e.message);
          return;
        }
        this.establishServer(now, p);
        return;
      case PacketType.ERROR:
        if (packet.major !== 1) break;
        this.pending.delete(h.address);
        this.settle(h.address);
        this.handshakeFailed(h.address, lookupErrorCode(packet.major, packet.minor) ?? ErrorCode.CONNECTION, `client refused: ${new TextDecoder().decode(packet.data)}`);
        return;
      default:
        break;
    }
    this.stats.unroutable++;
  }

  /** True when `packet` was the answered HELLO again (its stored flight is repeated). */
  private repeatReply(h: PendingHandshake, packet: Packet, size: number): boolean {
    if (packet.type !== PacketType.AUTH || packet.authKind !== AuthKind.HELLO || packet.data.length < 32) return false;
    // Only the exact HELLO answered (same key share and random) gets the stored flight again.
    if (!equalBytes(packet.publicKey, h.clientKey) || !equalBytes(packet.data.subarray(0, 32), h.clientRandom)) return false;
    this.stats.repliesRepeated++;
    this.sendFlight(h.address, h.reply, size);
    return true;
  }

  private establishServer(now: number, p: PendingRecord): ConnectionRecord {
    const h = p.handshake;
    this.pending.delete(h.address);
    const record: ConnectionRecord = {
      handle: p.handle,
      address: h.address,
      role: 'server',
      connection: this.newConnection(now, h.address, h.keys, h.unencrypted),
      unencrypted: h.unencrypted,
      pending: h,
    };
    this.addConnection(record);
    return record;
  }

  /** Before validation a reply must never exceed the datagram that caused it (anti-amplification). */
  private sendBounded(to: Address, bytes: Uint8Array, causeSize: number): void {
    if (bytes.length > causeSize) return;
    this.outgoing.push({ to, bytes });
  }

  /** SERVER HELLO + Finished: at most 556 bytes together (PROTOCOL.md §7.1.3), checked as a whole. */
  private sendFlight(to: Address, flight: readonly Uint8Array[], causeSize: number): void {
    let total = 0;
    for (const bytes of flight) total += bytes.length;
    if (total > causeSize) return;
    for (const bytes of flight) this.outgoing.push({ to, bytes });
  }

  private takeRate(now: number, address: Address): boolean {
    let w = this.rate.get(address);
    if (w === undefined || now >= w.start + RATE_WINDOW_MS) {
      w = { start: now, count: 0 };
      this.rate.set(address, w);
    }
    if (w.count >= this.o.handshakesPerAddressPerSecond) return false;
    w.count++;
    return true;
  }

  private pruneRate(now: number): void {
    for (const [address, w] of this.rate) if (now >= w.start + RATE_WINDOW_MS) this.rate.delete(address);
  }

  // ---- client ----

  private onClientPacket(now: number, client: ClientRecord, packet: Packet): void {
    const outcome = client.handshake.handlePacket(now, packet);
    this.drainClient(client.address, client.handshake);
    this.onClientOutcome(now, client, outcome);
  }

  private onClientOutcome(now: number, client: ClientRecord, outcome: ClientOutcome): void {
    if (outcome.kind === 'failed') {
      this.failClient(client, outcome.code, outcome.detail, outcome.notify);
      return;
    }
    if (outcome.kind === 'validate') {
      this.events.push({ type: 'validate-certificate', handle: client.handle, address: client.address, certificate: outcome.certificate });
      return;
    }
    if (outcome.kind !== 'established') return;
    this.clients.delete(client.address);
    this.outgoing.push({ to: client.address, bytes: outcome.finished });
    const rto = this.o.handshakeRtoMs;
    const record: ConnectionRecord = {
      handle: client.handle,
      address: client.address,
      role: 'client',
      connection: this.newConnection(now, client.address, outcome.keys, outcome.unencrypted),
      unencrypted: outcome.unencrypted,
      finished: { bytes: outcome.finished, rto, at: now + rto, until: now + this.o.handshakeTimeoutMs },
    };
    this.addConnection(record);
  }

  private drainClient(address: Address, handshake: ClientHandshake): void {
    for (let bytes = handshake.outgoing.shift(); bytes !== undefined; bytes = handshake.outgoing.shift()) {
      this.outgoing.push({ to: address, bytes });
    }
  }

  private failClient(client: ClientRecord, code: ErrorCodeInfo, detail: string, notify: boolean): void {
    this.clients.delete(client.address);
    this.settle(client.address);
    if (notify) this.outgoing.push({ to: client.address, bytes: handshakeErrorDatagram(code, detail) });
    this.handshakeFailed(client.address, code, detail, client.handle);
  }

  // ---- connections ----

  /** The Connection for finished handshake keys: its protection and receive window come from the offload when there is one. */
  private newConnection(now: number, address: Address, keys: SessionKeys, unencrypted: boolean): Connection {
    const offloaded = this.o.offload?.attach(address, keys, unencrypted);
    if (offloaded === undefined) return new Connection(now, sessionProtection(keys, unencrypted), this.o.connection);
    return new Connection(now, offloaded.protection, this.o.connection, undefined, offloaded.received);
  }

  /** Tells the offload what `address` still is after a handshake or connection ended. */
  private settle(address: Address): void {
    const offload = this.o.offload;
    if (offload === undefined || this.connections.has(address)) return;
    if (this.clients.has(address) || this.pending.has(address)) offload.watch(address);
    else offload.release(address);
  }

  private addConnection(record: ConnectionRecord): void {
    this.connections.set(record.address, record);
    this.byHandle.set(record.handle, record);
    this.touch(record);
    this.stats.handshakesCompleted++;
    const peerCertificate = record.pending?.clientCert;
    this.events.push({
      type: 'connected',
      handle: record.handle,
      address: record.address,
      role: record.role,
      ...(peerCertificate !== undefined ? { peerCertificate } : {}),
    });
  }

  private toConnection(now: number, record: ConnectionRecord, bytes: Uint8Array): void {
    if (!this.isConnectionDatagram(record, bytes)) {
      // a late handshake datagram: repeat the stored flight for a retransmitted HELLO, else drop
      const packet = this.decode(bytes);
      if (packet === undefined) return;
      if (record.pending !== undefined) {
        if (this.repeatReply(record.pending, packet, bytes.length)) return;
        // a retransmitted client Finished (an unreliable ACK with data) is expected and harmless
        if (packet.type === PacketType.ACK && (packet.flags & Flag.RELIABLE) === 0 && packet.data.length > 0) return;
      } else if (record.finished !== undefined && packet.type === PacketType.ERROR && packet.major === 1) {
        // the server refused our Finished before we heard anything sealed from it
        this.dropConnection(record);
        const code = lookupErrorCode(packet.major, packet.minor) ?? ErrorCode.CONNECTION;
        this.events.push({ type: 'disconnect', handle: record.handle, reason: 'protocol-error', code, detail: `server refused the handshake: ${new TextDecoder().decode(packet.data)}` });
        return;
      }
      // anything else unsealed on an encrypted connection (e.g. its ENCRYPTED flag flipped off) is dropped and counted
      this.stats.unroutable++;
      return;
    }
    const before = record.connection.counters.packetsReceived;
    record.connection.handleDatagram(now, bytes);
    if (record.connection.counters.packetsReceived > before) this.heardFrom(record);
    this.touch(record);
    this.drainConnection(record);
  }

  /**
   * Sealed mode: everything ENCRYPTED is the connection's, nothing else is. Unencrypted mode:
   * AUTH and unreliable ACKs with data (Finished) are handshake datagrams, the rest the connection's.
   */
  private isConnectionDatagram(record: ConnectionRecord, bytes: Uint8Array): boolean {
    const type = (bytes[0] as number) & 0x0f;
    const flags = bytes[1] as number;
    if (!record.unencrypted) return (flags & Flag.ENCRYPTED) !== 0;
    if (type === PacketType.AUTH) return false;
    if (type === PacketType.ACK && (flags & Flag.RELIABLE) === 0 && bytes.length > PURE_CHECKSUM_ACK) return false;
    return true;
  }

  private drainConnection(record: ConnectionRecord): void {
    const c = record.connection;
    for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent()) {
      switch (e.type) {
        case 'message':
          this.events.push({ type: 'message', handle: record.handle, kind: e.kind, channel: e.channel, data: e.data });
          break;
        case 'disconnect':
          this.events.push({ type: 'disconnect', handle: record.handle, reason: e.reason, code: e.code, detail: e.detail });
          break;
        case 'peer-error':
          this.events.push({ type: 'peer-error', handle: record.handle, code: e.code, detail: e.detail });
          break;
      }
    }
    // a closed Connection never transmits again, so nothing queued is lost
    if (c.state === 'closed') this.dropConnection(record);
  }

  private dropConnection(record: ConnectionRecord): void {
    if (this.connections.get(record.address) === record) {
      this.connections.delete(record.address);
      this.settle(record.address);
    }
    this.byHandle.delete(record.handle);
    this.transmitting.delete(record);
    this.retime.delete(record);
    record.deadline = undefined; // its heap entries are now stale
  }

  /** The record may have datagrams to send and a new deadline. */
  private touch(record: ConnectionRecord): void {
    if (this.byHandle.get(record.handle) !== record) return;
    this.transmitting.add(record);
    this.retime.add(record);
  }

  private deadlineOf(record: ConnectionRecord): number | undefined {
    const t = record.connection.pollTimeout();
    const f = record.finished?.at;
    if (t === undefined) return f;
    return f === undefined ? t : Math.min(t, f);
  }

  /** Pushes the changed deadlines, drops stale heap entries, returns the earliest. */
  private nextConnectionDeadline(): number | undefined {
    for (const record of this.retime) {
      const at = this.deadlineOf(record);
      if (at !== record.deadline) {
        record.deadline = at;
        if (at !== undefined) this.timers.push(at, record);
      }
    }
    this.retime.clear();
    for (;;) {
      const at = this.timers.peekTime();
      const record = this.timers.peekItem();
      if (at === undefined || record === undefined) return undefined;
      if (record.deadline === at) return at;
      this.timers.pop();
    }
  }

  /** Records whose deadline has come, each once, removed from the heap. */
  private dueConnections(now: number): ConnectionRecord[] {
    const due: ConnectionRecord[] = [];
    for (let at = this.nextConnectionDeadline(); at !== undefined && at <= now; at = this.nextConnectionDeadline()) {
      const record = this.timers.peekItem() as ConnectionRecord;
      this.timers.pop();
      record.deadline = undefined;
      due.push(record);
    }
    return due;
  }

  // ---- helpers ----

  private decode(bytes: Uint8Array): Packet | undefined {
    try {
      return decodePacket(bytes);
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      this.stats.malformed++;
      return undefined;
    }
  }

  private handshakeFailed(address: Address, code: ErrorCodeInfo, detail: string, handle?: ConnectionHandle): void {
    this.stats.handshakesFailed++;
    this.events.push(handle === undefined ? { type: 'handshake-failed', address, code, detail } : { type: 'handshake-failed', address, handle, code, detail });
  }
}

function isAuth(bytes: Uint8Array): boolean {
  return ((bytes[0] as number) & 0x0f) === PacketType.AUTH;
}
