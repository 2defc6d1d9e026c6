/**
 * One established connection as a pure state machine (quinn's sans-IO split): it never reads
 * a clock, owns no socket and no timer. The owner feeds it datagrams and time
 * (`handleDatagram(now, bytes)`, `handleTimeout(now)`), gives it messages (`send`), and
 * drains it (`pollTransmit(now)`, `pollTimeout()`, `pollEvent()`).
 *
 * Datagrams carry coalesced message frames; each datagram with frames is RELIABLE (acked),
 * reliable messages ride in new datagrams when the ones carrying them are declared lost.
 */
import { primitives } from '../native.js';
import type { RawDeflate } from '../primitives/types.js';
import { Flag, Heartbeat, PacketType, Size } from '../wire/constants.js';
import { compressData, decompressData } from '../wire/compression.js';
import { ErrorCode, WireError, lookupErrorCode, type ErrorCodeInfo } from '../wire/errors.js';
import type { Packet } from '../wire/packet.js';
import { kindOf, type ChannelKind } from './channel-kind.js';
import { createChannelReceiver, type ChannelReceiver } from './channel-receiver.js';
import { createCongestionController, type CongestionController } from './congestion-controller.js';
import type { ConnectionEvent, DisconnectReason } from './connection-events.js';
import { resolveConnectionOptions, type ConnectionOptions, type ResolvedConnectionOptions } from './connection-options.js';
import { Fifo } from './fifo.js';
import { FragmentAssembler } from './fragment-assembler.js';
import { FRAME_HEADER, readFrames, writeFrame, type Frame } from './frames.js';
import type { PacketProtection } from './packet-protection.js';
import { AckWindow } from './ack-window.js';
import { RttEstimator } from './rtt-estimator.js';
import { piecePayload, SendQueue, type Piece } from './send-queue.js';
import { SentDatagrams, type SentDatagram } from './sent-datagrams.js';

export type ConnectionState = 'connected' | 'closing' | 'draining' | 'closed';

/** What a sent datagram carried, to act on its acknowledgement or loss. */
type SentPayload = { readonly pieces: Piece[] } | { readonly disconnect: ErrorCodeInfo; readonly detail: string };

export interface ConnectionCounters {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Reliable pieces queued again after their datagram was declared lost. */
  retransmits: number;
  /** Datagrams declared lost. */
  lost: number;
  /** Of those, acknowledged later after all (reordered or delayed, not lost). */
  spuriousLosses: number;
  duplicates: number;
  malformed: number;
  replayed: number;
  decryptFailed: number;
  unprotected: number;
  messagesSent: number;
  messagesDelivered: number;
}

export interface ConnectionStats extends ConnectionCounters {
  readonly rtt: number;
  readonly rttvar: number;
  readonly cwnd: number;
  /** Window reductions: congestive losses and retransmission timeouts. */
  readonly congestionEvents: number;
  readonly bytesInFlight: number;
  /** lost / ack-eliciting datagrams sent. */
  readonly loss: number;
  readonly droppedUnreliable: number;
  readonly reassemblyTimeouts: number;
}

/** Inflate cap per datagram: nothing larger than one UDP payload can be legitimate. */
const MAX_INFLATED_DATAGRAM = 65_507;
/** The smallest MTU a peer may use (resolveConnectionOptions enforces it). */
const MIN_MTU = 576;
/**
 * Scratch shared by every Connection (a server holds thousands): inflated data and a datagram's
 * frames are consumed or copied before the call that filled them returns, and JS is single-threaded.
 */
const inflateScratch = new Uint8Array(MAX_INFLATED_DATAGRAM);
const frameBuffer = new Uint8Array(MAX_INFLATED_DATAGRAM);
const EMPTY = new Uint8Array(0);
/** An ACK reaches back 33 datagrams: within one batch of arrivals, acknowledge every 16. */
const ACK_EVERY_IN_BATCH = 16;

export class Connection {
  private stateValue: ConnectionState = 'connected';
  private readonly o: ResolvedConnectionOptions;
  private readonly sent = new SentDatagrams<SentPayload>();
  /** The datagram-sequence window (shared with the native engine on the offload path). */
  private readonly received: AckWindow;
  private readonly receivers = new Map<number, ChannelReceiver>();
  private readonly fragments: FragmentAssembler;
  private readonly queue: SendQueue;
  private readonly rtt: RttEstimator;
  private readonly cc: CongestionController;
  private readonly events = new Fifo<ConnectionEvent>();
  /** Datagrams ready to go ahead of data: PONGs, ERROR replies, the disconnect. */
  private readonly control = new Fifo<Uint8Array>();
  private readonly wholeBudget: number;
  private readonly fragmentBudget: number;
  private nextSequence = 0;
  private ackDeadline = Number.POSITIVE_INFINITY;
  private ackElicitingUnacked = 0;
  private lastSentAt: number;
  private lastReceivedAt: number;
  private closeDeadline = Number.POSITIVE_INFINITY;
  private lastErrorReplyAt = Number.NEGATIVE_INFINITY;
  private rateTokens: number;
  private rateUpdatedAt: number;
  private ackElicitingSent = 0;
  /** Last time an acknowledgement covered new data, or the retransmission timer fired. */
  private progressAt = Number.NEGATIVE_INFINITY;
  readonly counters: ConnectionCounters = {
    packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0, retransmits: 0, lost: 0, spuriousLosses: 0,
    duplicates: 0, malformed: 0, replayed: 0, decryptFailed: 0, unprotected: 0, messagesSent: 0, messagesDelivered: 0,
  };

  constructor(
    now: number,
    private readonly protection: PacketProtection,
    options: ConnectionOptions = {},
    private readonly deflate: RawDeflate = primitives,
    received: AckWindow = new AckWindow(),
  ) {
    this.received = received;
    this.o = resolveConnectionOptions(options);
    const base = this.o.mtu - Size.FIXED_HEADER - protection.overhead;
    this.wholeBudget = base - Size.ACK;
    this.fragmentBudget = base - Size.FRAG;
    this.queue = new SendQueue({
      wholePayload: this.wholeBudget - FRAME_HEADER,
      fragmentPayload: this.fragmentBudget - FRAME_HEADER,
      maxMessageSize: this.o.maxMessageSize,
      maxQueuedUnreliableBytes: this.o.maxQueuedUnreliableBytes,
    });
    this.fragments = new FragmentAssembler({
      maxMessageSize: this.o.maxMessageSize,
      // a peer may run a larger MTU than ours; its fragments are still bounded by one datagram
      maxFragmentPayload: MAX_INFLATED_DATAGRAM,
      minFragmentPayload: MIN_MTU - Size.FIXED_HEADER - protection.overhead - Size.FRAG - FRAME_HEADER,
      memoryCap: this.o.reassemblyMemoryCap,
      timeoutMs: this.o.reassemblyTimeoutMs,
    });
    this.rtt = new RttEstimator({ minRto: this.o.minRtoMs, maxRto: this.o.maxRtoMs, initialRto: this.o.initialRtoMs });
    this.cc = createCongestionController({ mtu: this.o.mtu, algorithm: this.o.congestionControl, lossTolerance: this.o.lossTolerance });
    this.lastSentAt = now;
    this.lastReceivedAt = now;
    this.rateTokens = this.rateBurst();
    this.rateUpdatedAt = now;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get stats(): ConnectionStats {
    return {
      ...this.counters,
      rtt: this.rtt.srtt,
      rttvar: this.rtt.rttvar,
      cwnd: this.cc.cwnd,
      congestionEvents: this.cc.congestionEvents,
      bytesInFlight: this.sent.bytesInFlight,
      loss: this.ackElicitingSent === 0 ? 0 : this.counters.lost / this.ackElicitingSent,
      droppedUnreliable: this.queue.droppedUnreliable,
      reassemblyTimeouts: this.fragments.discardedByTimeout,
    };
  }

  /** Reliable messages not yet acknowledged by the peer. */
  get unackedReliable(): number {
    return this.queue.unackedReliable;
  }

  /** Queues a message. Throws if the connection is not open or the message breaks a limit. */
  send(data: Uint8Array, kind: ChannelKind, channel = 0): void {
    if (this.stateValue !== 'connected') throw new Error(`cannot send on a ${this.stateValue} connection`);
    this.queue.enqueue(kind, channel, data);
    this.counters.messagesSent++;
  }

  /**
   * Graceful disconnect (seed 001): sends `code` (2.2 from a client, 2.1 from a server) and
   * waits for its acknowledgement, at most disconnectTimeoutMs. Queued messages are dropped.
   */
  close(now: number, code: ErrorCodeInfo = ErrorCode.CLIENT_DISCONNECT, detail = ''): void {
    if (this.stateValue !== 'connected') return;
    this.stateValue = 'closing';
    this.queue.clear();
    this.sent.clear();
    this.closeDeadline = now + this.o.disconnectTimeoutMs;
    this.sendDisconnect(now, code, detail);
  }

  pollEvent(): ConnectionEvent | undefined {
    return this.events.shift();
  }

  handleDatagram(now: number, bytes: Uint8Array): void {
    if (this.stateValue === 'closed') return;
    let packet: Packet;
    try {
      const result = this.protection.unprotect(bytes);
      if (!result.ok) {
        this.countDrop(result.reason);
        if (result.reason === 'decrypt-failed') this.replyError(now, ErrorCode.INIT_VECTOR, 'decryption failed');
        return;
      }
      packet = result.packet;
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      this.counters.malformed++;
      if (err.major === 3 && err.minor === 9) this.replyError(now, ErrorCode.CHECKSUM, err.message);
      return;
    }
    this.accept(now, packet, bytes.length, false);
  }

  /**
   * A datagram the native engine opened and already recorded in the shared receive window
   * (`packet.data` is plaintext, valid during this call). Content refused after that is still
   * acknowledged: only an authenticated peer sending invalid frames can cause it, and such
   * content could never be delivered anyway.
   */
  handleOpened(now: number, packet: Packet, wireLength: number): void {
    if (this.stateValue === 'closed') return;
    this.accept(now, packet, wireLength, true);
  }

  /** A reliable duplicate the native engine dropped: acknowledge again (ours may have been lost). */
  handleDuplicate(now: number, wireLength: number): void {
    if (this.stateValue === 'closed') return;
    this.lastReceivedAt = now;
    this.counters.packetsReceived++;
    this.counters.bytesReceived += wireLength;
    this.counters.duplicates++;
    this.scheduleAck(now, true);
  }

  private accept(now: number, packet: Packet, wireLength: number, recorded: boolean): void {
    this.lastReceivedAt = now;
    this.counters.packetsReceived++;
    this.counters.bytesReceived += wireLength;
    const ackEliciting = (packet.flags & Flag.RELIABLE) !== 0;
    if (!recorded && !this.received.isNew(packet.sequence)) {
      this.counters.duplicates++;
      if (ackEliciting) this.scheduleAck(now, true);
      return;
    }
    // A datagram whose content is refused is not recorded, hence never acknowledged: nothing
    // acknowledged is ever lost.
    if (!this.dispatch(now, packet)) return;
    if (!recorded) this.received.record(packet.sequence);
    if (ackEliciting) this.scheduleAck(now, false);
  }

  handleTimeout(now: number): void {
    if (this.stateValue === 'closed') return;
    if (now >= this.lastReceivedAt + this.o.idleTimeoutMs) {
      this.finish('timeout', ErrorCode.DISCONNECT, `nothing received for ${this.o.idleTimeoutMs} ms`);
      return;
    }
    if (now >= this.closeDeadline) {
      this.finish('local', ErrorCode.DISCONNECT, `disconnect not acknowledged within ${this.o.disconnectTimeoutMs} ms`);
      return;
    }
    this.onLost(now, this.sent.detectLost(now, this.lossDelay()));
    const deadline = this.retransmitDeadline();
    if (deadline !== undefined && now >= deadline) {
      const expired = this.sent.expire(now, this.retransmitTimeout());
      this.cc.onTimeout(now);
      this.rtt.onTimeout();
      this.progressAt = now;
      this.onLost(now, expired, false);
    }
    this.fragments.expire(now);
    if (this.stateValue === 'connected' && now >= this.lastSentAt + this.o.heartbeatIntervalMs) {
      this.lastSentAt = now;
      this.control.push(this.protect({ type: PacketType.HEARTBEAT, flags: 0, sequence: 0, heartbeat: Heartbeat.PING, data: timestamp(now) }));
    }
  }

  /** Earliest time handleTimeout must run, or undefined once closed. */
  pollTimeout(): number | undefined {
    if (this.stateValue === 'closed') return undefined;
    let t = Math.min(this.ackDeadline, this.lastReceivedAt + this.o.idleTimeoutMs, this.closeDeadline);
    if (this.stateValue === 'connected') t = Math.min(t, this.lastSentAt + this.o.heartbeatIntervalMs);
    const loss = this.sent.nextLossTime(this.lossDelay());
    if (loss !== undefined) t = Math.min(t, loss);
    const retransmit = this.retransmitDeadline();
    if (retransmit !== undefined) t = Math.min(t, retransmit);
    const expiry = this.fragments.nextExpiry();
    if (expiry !== undefined) t = Math.min(t, expiry);
    if (this.queue.hasPending && this.o.maxSendRate > 0 && this.rateTokens < this.o.mtu) {
      t = Math.min(t, this.rateUpdatedAt + ((this.o.mtu - this.rateTokens) * 1000) / this.o.maxSendRate);
    }
    return t;
  }

  /** The next datagram to send now, or undefined; call until undefined. */
  pollTransmit(now: number): Uint8Array | undefined {
    if (this.stateValue === 'closed') return undefined;
    const control = this.control.shift();
    if (control !== undefined) return this.transmitted(now, control);
    if (this.stateValue === 'connected') {
      const data = this.buildDataDatagram(now);
      if (data !== undefined) return this.transmitted(now, data);
    }
    if (this.ackElicitingUnacked > 0 && now >= this.ackDeadline) {
      return this.transmitted(now, this.protect(this.withAck({ type: PacketType.DEFAULT, flags: 0, sequence: 0, data: EMPTY }), true));
    }
    return undefined;
  }

  // ---- receiving ----

  /** Acts on one new datagram; false when its content was refused. */
  private dispatch(now: number, packet: Packet): boolean {
    switch (packet.type) {
      case PacketType.ACK:
        this.applyAck(now, packet.ackId, packet.ackBits);
        return this.receiveData(now, packet);
      case PacketType.DEFAULT:
        return this.receiveData(now, packet);
      case PacketType.HEARTBEAT:
        if (packet.heartbeat === Heartbeat.PING) {
          this.control.push(this.protect({ type: PacketType.HEARTBEAT, flags: 0, sequence: 0, heartbeat: Heartbeat.PONG, data: packet.data.slice() }));
          return true;
        } else {
          const sentAt = readTimestamp(packet.data);
          if (sentAt !== undefined && sentAt <= now) this.sampleRtt(now - sentAt);
        }
        return true;
      case PacketType.ERROR:
        this.receiveError(now, packet.major, packet.minor, new TextDecoder().decode(packet.data));
        return true;
      case PacketType.AUTH:
        // a handshake retransmission arriving late: the endpoint already answered it
        return true;
    }
  }

  private receiveData(now: number, packet: Packet): boolean {
    if (packet.data.length === 0 || this.stateValue !== 'connected') return true;
    let frames: Frame[];
    try {
      const data = packet.flags & Flag.COMPRESSED ? decompressData(packet.data, MAX_INFLATED_DATAGRAM, this.deflate, inflateScratch) : packet.data;
      frames = readFrames(data);
      if (packet.fragment !== undefined && frames.length !== 1) {
        throw new WireError(ErrorCode.FRAGMENT_ID, `a FRAG datagram carries ${frames.length} frames, not 1`);
      }
      // a whole message is bounded by maxMessageSize like a reassembled one (a compressed
      // datagram can otherwise hide up to 64 KiB behind a small wire size): 3.8 when inflated
      if (packet.fragment === undefined) {
        for (const frame of frames) {
          if (frame.payload.length > this.o.maxMessageSize) {
            throw new WireError(packet.flags & Flag.COMPRESSED ? ErrorCode.COMPRESSION : ErrorCode.PACKET, `a ${frame.payload.length}-byte message exceeds maxMessageSize ${this.o.maxMessageSize}`);
          }
        }
      }
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      this.counters.malformed++;
      this.replyError(now, lookupErrorCode(err.major, err.minor) ?? ErrorCode.PACKET, err.message);
      return false;
    }
    if (packet.fragment !== undefined) return this.receiveFragment(now, frames[0] as Frame, packet.fragment.id, packet.fragment.count);
    for (const frame of frames) this.deliver(frame.channel, frame.sequence, frame.payload.slice());
    return true;
  }

  private receiveFragment(now: number, frame: Frame, id: number, count: number): boolean {
    if (this.receiver(frame.channel).isStale(frame.sequence)) return true;
    try {
      const result = this.fragments.add(frame.channel, frame.sequence, id, count, frame.payload, now);
      if (result.kind === 'complete') this.deliver(frame.channel, frame.sequence, result.message);
      return true;
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      this.counters.malformed++;
      if (err.major === 3 && err.minor === 0) {
        // the reassembly memory cap: a fragment bomb, not a glitch
        this.abort(now, lookupErrorCode(err.major, err.minor) ?? ErrorCode.PACKET, err.message);
      } else {
        this.replyError(now, lookupErrorCode(err.major, err.minor) ?? ErrorCode.PACKET, err.message);
      }
      return false;
    }
  }

  private deliver(channel: number, sequence: number, message: Uint8Array): void {
    const kind = kindOf(channel);
    for (const data of this.receiver(channel).accept(sequence, message)) {
      this.counters.messagesDelivered++;
      this.events.push({ type: 'message', kind, channel: channel & 0x3f, data });
    }
  }

  private receiver(channel: number): ChannelReceiver {
    let r = this.receivers.get(channel);
    if (r === undefined) {
      r = createChannelReceiver(kindOf(channel));
      this.receivers.set(channel, r);
    }
    return r;
  }

  private receiveError(now: number, major: number, minor: number, detail: string): void {
    const code = lookupErrorCode(major, minor) ?? ErrorCode.PACKET;
    if (major === 3) {
      this.events.push({ type: 'peer-error', code, detail });
      return;
    }
    if (this.stateValue === 'draining') return;
    // the peer is leaving: acknowledge (the ERROR was RELIABLE) and linger to re-acknowledge
    // retransmissions in case this acknowledgement is lost
    const reason: DisconnectReason = 'peer';
    this.events.push({ type: 'disconnect', reason, code, detail });
    this.stateValue = 'draining';
    this.queue.clear();
    this.sent.clear();
    this.closeDeadline = now + 3 * this.rtt.rto;
  }

  // ---- acknowledgements and loss ----

  private applyAck(now: number, ackId: number, ackBits: number): void {
    const outcome = this.sent.onAck(ackId, ackBits, this.nextSequence, now, this.lossDelay());
    if (outcome.rttSample !== undefined) this.sampleRtt(outcome.rttSample);
    if (outcome.acked.length > 0) this.progressAt = now;
    for (const record of outcome.acked) {
      if ('disconnect' in record.payload) {
        this.finish('local', record.payload.disconnect, record.payload.detail);
        return;
      }
      this.cc.onAcked(now, record, this.nextSequence);
      this.queue.onAcked(record.payload.pieces);
    }
    for (const record of outcome.spurious) {
      this.counters.spuriousLosses++;
      this.cc.onSpuriousLoss();
      // its pieces arrived after all: retransmissions still queued for them are skipped
      if (!('disconnect' in record.payload)) this.queue.onAcked(record.payload.pieces);
    }
    this.onLost(now, outcome.lost);
  }

  private sampleRtt(rttMs: number): void {
    this.rtt.sample(rttMs);
    this.cc.onRttSample(rttMs);
  }

  private onLost(now: number, lost: readonly SentDatagram<SentPayload>[], signalCongestion = true): void {
    for (const record of lost) {
      this.counters.lost++;
      if ('disconnect' in record.payload) {
        if (this.stateValue === 'closing') this.sendDisconnect(now, record.payload.disconnect, record.payload.detail);
        continue;
      }
      if (signalCongestion) this.cc.onLost(record.sentAt, now);
      const reliable = record.payload.pieces.filter((p) => p.message.reliable && !p.acked);
      this.counters.retransmits += reliable.length;
      this.queue.onLost(reliable);
    }
  }

  /**
   * The retransmission timer restarts whenever an acknowledgement covers new data (RFC 6298 §5.3),
   * not only when the oldest datagram was sent: while acknowledgements flow the path is alive, and
   * the loss thresholds, not the timer, find what is missing.
   */
  private retransmitDeadline(): number | undefined {
    const oldest = this.sent.oldestAckEliciting();
    return oldest === undefined ? undefined : Math.max(oldest.sentAt, this.progressAt) + this.retransmitTimeout();
  }

  /** RTO plus the peer's acknowledgement delay (RFC 9002 §6.2.1), assumed to be our own setting. */
  private retransmitTimeout(): number {
    return this.rtt.rto + this.o.maxAckDelayMs;
  }

  private lossDelay(): number {
    if (this.rtt.sampleCount === 0) return this.rtt.rto;
    return Math.max(this.sent.timeThreshold * Math.max(this.rtt.srtt, this.rtt.latest), 1);
  }

  private scheduleAck(now: number, immediately: boolean): void {
    this.ackElicitingUnacked++;
    if (this.ackElicitingUnacked >= ACK_EVERY_IN_BATCH) {
      // A burst handled in one go (a recvmmsg batch, a virtual-time step) would otherwise get one
      // ACK at the end, whose 32 bits cannot reach the burst's start: the sender would declare
      // those datagrams lost and send them again. Queue an ACK now, while it still reaches them.
      this.control.push(this.protect(this.withAck({ type: PacketType.DEFAULT, flags: 0, sequence: 0, data: EMPTY })));
      return;
    }
    this.ackDeadline = immediately || this.ackElicitingUnacked >= 2 ? now : Math.min(this.ackDeadline, now + this.o.maxAckDelayMs);
  }

  // ---- sending ----

  private buildDataDatagram(now: number): Uint8Array | undefined {
    const first = this.queue.peek();
    if (first === undefined || this.sent.isFull) return undefined;
    if (!this.cc.canSend(this.sent.bytesInFlight, this.o.mtu) || !this.takeRateTokens(now)) return undefined;
    const pieces: Piece[] = [];
    let length = 0;
    let fragment: { id: number; count: number } | undefined;
    if (first.fragment >= 0) {
      this.queue.take();
      pieces.push(first);
      length = writeFrame(frameBuffer, 0, first.message.channel, first.message.sequence, piecePayload(first));
      fragment = { id: first.fragment, count: first.message.fragmentCount };
    } else {
      for (let p = this.queue.peek(); p !== undefined && p.fragment < 0; p = this.queue.peek()) {
        const payload = piecePayload(p);
        if (length + FRAME_HEADER + payload.length > this.wholeBudget) break;
        this.queue.take();
        pieces.push(p);
        length = writeFrame(frameBuffer, length, p.message.channel, p.message.sequence, payload);
      }
    }
    // a view: protect() copies the frames into the datagram, and compressData into its own output
    let data: Uint8Array = frameBuffer.subarray(0, length);
    let flags = Flag.RELIABLE;
    if (this.o.compressionThreshold > 0 && length >= this.o.compressionThreshold) {
      const compressed = compressData(data, 6, this.deflate);
      if (compressed !== null) {
        data = compressed;
        flags |= Flag.COMPRESSED;
      }
    }
    const sequence = this.nextSequence;
    const packet: Packet =
      fragment !== undefined
        ? { type: PacketType.DEFAULT, flags: flags | Flag.FRAG, sequence: 0, fragment, data }
        : this.withAck({ type: PacketType.DEFAULT, flags, sequence: 0, data });
    const bytes = this.protect(packet, true);
    this.sent.add({ sequence, sentAt: now, bytes: bytes.length, ackEliciting: true, payload: { pieces } });
    this.ackElicitingSent++;
    return bytes;
  }

  /** Turns a DEFAULT packet into an ACK carrying our receive state, when we have one. */
  private withAck(packet: Packet & { type: typeof PacketType.DEFAULT }): Packet {
    if (!this.received.hasReceived) return packet;
    this.ackElicitingUnacked = 0;
    this.ackDeadline = Number.POSITIVE_INFINITY;
    // no spread: this runs for nearly every datagram
    return { type: PacketType.ACK, flags: packet.flags, sequence: packet.sequence, ackId: this.received.ackId, ackBits: this.received.ackBits, data: packet.data };
  }

  /**
   * Stamps the next sequence id and applies the connection's protection. `transient`: the bytes
   * are returned by pollTransmit at once (not queued), so a protection that offers it may return
   * a view of scratch memory, valid until its next call.
   */
  private protect(packet: Packet, transient = false): Uint8Array {
    const stamped = { ...packet, sequence: this.nextSequence & 0xffff } as Packet;
    this.nextSequence++;
    return transient && this.protection.protectTransient !== undefined ? this.protection.protectTransient(stamped) : this.protection.protect(stamped);
  }

  private transmitted(now: number, bytes: Uint8Array): Uint8Array {
    this.lastSentAt = now;
    this.counters.packetsSent++;
    this.counters.bytesSent += bytes.length;
    return bytes;
  }

  private sendDisconnect(now: number, code: ErrorCodeInfo, detail: string): void {
    const sequence = this.nextSequence;
    const bytes = this.protect({
      type: PacketType.ERROR, flags: Flag.RELIABLE, sequence: 0, major: code.major, minor: code.minor, data: new TextEncoder().encode(detail),
    });
    this.sent.add({ sequence, sentAt: now, bytes: bytes.length, ackEliciting: true, payload: { disconnect: code, detail } });
    this.control.push(bytes);
  }

  /** An ERROR reply about a bad datagram, rate-limited so bad input cannot drive our output. */
  private replyError(now: number, code: ErrorCodeInfo, detail: string): void {
    if (this.stateValue !== 'connected' || now - this.lastErrorReplyAt < this.o.errorReplyIntervalMs) return;
    this.lastErrorReplyAt = now;
    this.control.push(this.protect({
      type: PacketType.ERROR, flags: 0, sequence: 0, major: code.major, minor: code.minor, data: new TextEncoder().encode(detail.slice(0, 200)),
    }));
  }

  /** Closes at once because the peer broke a limit; tells it why. */
  private abort(now: number, code: ErrorCodeInfo, detail: string): void {
    if (this.stateValue !== 'connected') return;
    this.queue.clear();
    this.sent.clear();
    this.control.push(this.protect({
      type: PacketType.ERROR, flags: 0, sequence: 0, major: ErrorCode.DISCONNECT.major, minor: ErrorCode.DISCONNECT.minor, data: new TextEncoder().encode(detail.slice(0, 200)),
    }));
    this.events.push({ type: 'disconnect', reason: 'protocol-error', code, detail });
    this.stateValue = 'draining';
    this.closeDeadline = now;
  }

  /** Closed for good; the disconnect event is emitted unless draining already announced it. */
  private finish(reason: DisconnectReason, code: ErrorCodeInfo, detail: string): void {
    const announced = this.stateValue === 'draining';
    this.stateValue = 'closed';
    this.queue.clear();
    this.sent.clear();
    this.control.clear();
    if (!announced) this.events.push({ type: 'disconnect', reason, code, detail });
  }

  private countDrop(reason: 'unprotected' | 'replayed' | 'decrypt-failed'): void {
    if (reason === 'unprotected') this.counters.unprotected++;
    else if (reason === 'replayed') this.counters.replayed++;
    else this.counters.decryptFailed++;
  }

  private rateBurst(): number {
    return 10 * this.o.mtu;
  }

  private takeRateTokens(now: number): boolean {
    if (this.o.maxSendRate <= 0) return true;
    this.rateTokens = Math.min(this.rateBurst(), this.rateTokens + ((now - this.rateUpdatedAt) * this.o.maxSendRate) / 1000);
    this.rateUpdatedAt = now;
    if (this.rateTokens < this.o.mtu) return false;
    this.rateTokens -= this.o.mtu;
    return true;
  }
}

function timestamp(now: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, now);
  return out;
}

function readTimestamp(data: Uint8Array): number | undefined {
  if (data.length !== 8) return undefined;
  const t = new DataView(data.buffer, data.byteOffset, 8).getFloat64(0);
  return Number.isFinite(t) ? t : undefined;
}
