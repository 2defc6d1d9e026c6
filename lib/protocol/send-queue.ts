/**
 * Outgoing messages: per-channel message sequence numbers, fragmentation into pieces that each
 * fit one datagram, a retransmission queue served before fresh data, and the reliable window
 * (a channel never runs RELIABLE_WINDOW messages ahead of its oldest unacknowledged one, so the
 * receiver's reorder buffer stays bounded and 16-bit sequences never alias).
 */
import { channelByte, isReliable, type ChannelKind } from './channel-kind.js';
import { RELIABLE_WINDOW } from './channel-receiver.js';
import { Fifo } from './fifo.js';
import { sequenceDistance, sequenceNext } from './sequence.js';

export interface OutgoingMessage {
  readonly channel: number;
  readonly sequence: number;
  readonly reliable: boolean;
  readonly data: Uint8Array;
  /** 1 for a message sent whole; otherwise the FRAG fragment number. */
  readonly fragmentCount: number;
  readonly fragmentSize: number;
  /** Pieces not yet acknowledged (reliable messages). */
  unacked: number;
}

/** One frame's worth of a message: the whole message, or fragment `fragment` of it. */
export interface Piece {
  readonly message: OutgoingMessage;
  /** -1 when the message is sent whole. */
  readonly fragment: number;
  acked: boolean;
}

export function piecePayload(p: Piece): Uint8Array {
  const m = p.message;
  if (p.fragment < 0) return m.data;
  const start = p.fragment * m.fragmentSize;
  return m.data.subarray(start, Math.min(m.data.length, start + m.fragmentSize));
}

interface ChannelState {
  nextSequence: number;
  /** Reliable messages sent and not fully acknowledged, oldest first. */
  readonly outstanding: Fifo<OutgoingMessage>;
  /** Reliable messages waiting for window space. */
  readonly backlog: Fifo<OutgoingMessage>;
}

export interface SendQueueOptions {
  /** Largest payload sent whole in one frame. */
  readonly wholePayload: number;
  /** Payload of each fragment (of a FRAG datagram's single frame). */
  readonly fragmentPayload: number;
  readonly maxMessageSize: number;
  /** Unreliable bytes queued at most; beyond it the oldest unreliable pieces are dropped. */
  readonly maxQueuedUnreliableBytes: number;
}

export class SendQueue {
  private readonly channels = new Map<number, ChannelState>();
  private readonly retransmit = new Fifo<Piece>();
  private readonly fresh = new Fifo<Piece>();
  private queuedUnreliableBytes = 0;
  droppedUnreliable = 0;

  constructor(private readonly options: SendQueueOptions) {}

  get hasPending(): boolean {
    return this.retransmit.length > 0 || this.fresh.length > 0;
  }

  /** Reliable messages not yet fully acknowledged (including those waiting for window). */
  get unackedReliable(): number {
    let n = 0;
    for (const c of this.channels.values()) n += c.outstanding.length + c.backlog.length;
    return n;
  }

  enqueue(kind: ChannelKind, index: number, data: Uint8Array): void {
    if (data.length > this.options.maxMessageSize) {
      throw new RangeError(`message of ${data.length} bytes exceeds the ${this.options.maxMessageSize}-byte limit`);
    }
    const channel = channelByte(kind, index);
    const state = this.channelState(channel);
    const whole = data.length <= this.options.wholePayload;
    const fragmentSize = this.options.fragmentPayload;
    const fragmentCount = whole ? 1 : Math.ceil(data.length / fragmentSize);
    const reliable = isReliable(kind);
    const message: OutgoingMessage = { channel, sequence: state.nextSequence, reliable, data, fragmentCount, fragmentSize, unacked: reliable ? fragmentCount : 0 };
    state.nextSequence = sequenceNext(state.nextSequence);
    if (!reliable) {
      this.queuePieces(message);
      this.queuedUnreliableBytes += data.length;
      this.shedUnreliable();
      return;
    }
    const oldest = state.outstanding.peek();
    if (state.backlog.length > 0 || (oldest !== undefined && sequenceDistance(message.sequence, oldest.sequence) >= RELIABLE_WINDOW)) {
      state.backlog.push(message);
      return;
    }
    state.outstanding.push(message);
    this.queuePieces(message);
  }

  /** The next piece to send (retransmissions first), without taking it. */
  peek(): Piece | undefined {
    // a piece queued again after a spurious loss may have been acknowledged since
    while (this.retransmit.peek()?.acked === true) this.retransmit.shift();
    return this.retransmit.peek() ?? this.fresh.peek();
  }

  take(): Piece | undefined {
    const piece = this.retransmit.shift() ?? this.fresh.shift();
    if (piece !== undefined && !piece.message.reliable) this.queuedUnreliableBytes -= piecePayload(piece).length;
    return piece;
  }

  /** A datagram carrying these pieces was lost: reliable ones go to the front again. */
  onLost(pieces: readonly Piece[]): void {
    for (const p of pieces) if (p.message.reliable && !p.acked) this.retransmit.push(p);
  }

  onAcked(pieces: readonly Piece[]): void {
    for (const p of pieces) {
      if (!p.message.reliable || p.acked) continue;
      p.acked = true;
      p.message.unacked--;
      if (p.message.unacked === 0) this.advanceWindow(this.channelState(p.message.channel));
    }
  }

  clear(): void {
    this.retransmit.clear();
    this.fresh.clear();
    this.channels.clear();
    this.queuedUnreliableBytes = 0;
  }

  private queuePieces(message: OutgoingMessage): void {
    // By size, not by fragment count: a FRAG header is smaller than the ACK fields a whole frame
    // leaves room for, so a message just over wholePayload is one fragment. Sent "whole", it
    // would fit no datagram and wedge the queue (every datagram built empty, forever).
    if (message.data.length <= this.options.wholePayload) {
      this.fresh.push({ message, fragment: -1, acked: false });
      return;
    }
    for (let i = 0; i < message.fragmentCount; i++) this.fresh.push({ message, fragment: i, acked: false });
  }

  private advanceWindow(state: ChannelState): void {
    while (state.outstanding.peek()?.unacked === 0) state.outstanding.shift();
    for (let next = state.backlog.peek(); next !== undefined; next = state.backlog.peek()) {
      const oldest = state.outstanding.peek();
      if (oldest !== undefined && sequenceDistance(next.sequence, oldest.sequence) >= RELIABLE_WINDOW) break;
      state.backlog.shift();
      state.outstanding.push(next);
      this.queuePieces(next);
    }
  }

  /** Drops the oldest queued unreliable pieces while over the byte cap. */
  private shedUnreliable(): void {
    if (this.queuedUnreliableBytes <= this.options.maxQueuedUnreliableBytes) return;
    const kept = new Fifo<Piece>();
    for (const p of this.fresh) {
      if (!p.message.reliable && this.queuedUnreliableBytes > this.options.maxQueuedUnreliableBytes) {
        this.queuedUnreliableBytes -= piecePayload(p).length;
        this.droppedUnreliable++;
        continue;
      }
      kept.push(p);
    }
    this.fresh.clear();
    for (const p of kept) this.fresh.push(p);
  }

  private channelState(channel: number): ChannelState {
    let s = this.channels.get(channel);
    if (s === undefined) {
      s = { nextSequence: 0, outstanding: new Fifo(), backlog: new Fifo() };
      this.channels.set(channel, s);
    }
    return s;
  }
}

