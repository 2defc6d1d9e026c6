/**
 * Sender-side datagram bookkeeping: what is in flight, what an ACK covers, and what is lost.
 * Records are keyed by the sender's extended (never wrapping) sequence; the wire carries its
 * low 16 bits. Loss is declared as in QUIC (RFC 9002 §6.1): a datagram is lost when one sent
 * `packetThreshold` later was acked (fast retransmit on ack-bit gaps), or when a later one was
 * acked and it is older than the time threshold; the caller's retransmission timer covers the
 * tail. A datagram declared lost and acknowledged afterwards was reordered, not lost: that
 * widens both thresholds for the rest of the connection (as RACK's reordering window does, RFC 8985
 * §6.2), so paths that reorder stop producing spurious retransmissions and phantom loss.
 * Deadlines are always compared as `now >= start + duration`, the same sum the caller's
 * timer uses, so floating-point rounding cannot leave a timer due that never fires.
 */

export interface SentDatagram<T> {
  /** Extended sequence (the wire carries sequence & 0xffff). */
  readonly sequence: number;
  readonly sentAt: number;
  readonly bytes: number;
  /** Counts towards bytes in flight and expects an ACK. */
  readonly ackEliciting: boolean;
  readonly payload: T;
}

export interface AckOutcome<T> {
  readonly acked: SentDatagram<T>[];
  readonly lost: SentDatagram<T>[];
  /** now − sentAt of the acked datagram named by the ack id, when it was newly acked. */
  readonly rttSample: number | undefined;
  /** Datagrams this ACK covers that were already declared lost: the loss was spurious. */
  readonly spurious: SentDatagram<T>[];
}

export interface SentDatagramsOptions {
  /** Datagrams in flight at most (keeps 16-bit ids unambiguous). Default 1024. */
  readonly capacity?: number;
  /** Initial packet threshold. Default 3. */
  readonly packetThreshold?: number;
  /** The packet threshold never widens past this. Default 32 (the ACK bits' reach). */
  readonly maxPacketThreshold?: number;
}

/** The time threshold starts at 9/8 of the RTT (RFC 9002 §6.1.2) and widens to 2 RTTs at most. */
const TIME_THRESHOLD = 9 / 8;
const MAX_TIME_THRESHOLD = 2;

export class SentDatagrams<T> {
  private readonly records = new Map<number, SentDatagram<T>>();
  private readonly capacity: number;
  private packetThresholdValue: number;
  private readonly maxPacketThreshold: number;
  private timeThresholdValue = TIME_THRESHOLD;
  /** Recently declared lost, in declaration order, at most `capacity`: a later ACK proves them spurious. */
  private readonly declaredLost = new Map<number, SentDatagram<T>>();
  private largestAcked = -1;
  private inFlightBytes = 0;

  constructor(options: SentDatagramsOptions = {}) {
    this.capacity = options.capacity ?? 1024;
    this.packetThresholdValue = options.packetThreshold ?? 3;
    this.maxPacketThreshold = Math.max(this.packetThresholdValue, options.maxPacketThreshold ?? 32);
  }

  /** Later datagrams acknowledged before one is declared lost. */
  get packetThreshold(): number {
    return this.packetThresholdValue;
  }

  /** The time threshold as a multiple of the RTT. */
  get timeThreshold(): number {
    return this.timeThresholdValue;
  }

  get count(): number {
    return this.records.size;
  }

  get bytesInFlight(): number {
    return this.inFlightBytes;
  }

  get isFull(): boolean {
    return this.records.size >= this.capacity;
  }

  /** The oldest ack-eliciting datagram still in flight. */
  oldestAckEliciting(): SentDatagram<T> | undefined {
    for (const r of this.records.values()) if (r.ackEliciting) return r;
    return undefined;
  }

  add(record: SentDatagram<T>): void {
    if (this.isFull) throw new RangeError(`more than ${this.capacity} datagrams in flight`);
    this.records.set(record.sequence, record);
    if (record.ackEliciting) this.inFlightBytes += record.bytes;
  }

  /**
   * Applies an ACK. `nextSequence` is the sender's next extended sequence, used to widen the
   * 16-bit ack id; `lossDelay` is the time threshold (e.g. 9/8 × max(srtt, latest rtt)).
   */
  onAck(ackId: number, ackBits: number, nextSequence: number, now: number, lossDelay: number): AckOutcome<T> {
    const newest = nextSequence - 1;
    const top = newest - ((newest - ackId) & 0xffff);
    const acked: SentDatagram<T>[] = [];
    const spurious: SentDatagram<T>[] = [];
    let rttSample: number | undefined;
    const first = this.take(top);
    if (first !== undefined) {
      acked.push(first);
      if (first.ackEliciting) rttSample = now - first.sentAt;
    } else {
      this.takeSpurious(top, spurious);
    }
    for (let i = 0; i < 32; i++) {
      if (((ackBits >>> i) & 1) === 0) continue;
      const r = this.take(top - 1 - i);
      if (r !== undefined) acked.push(r);
      else this.takeSpurious(top - 1 - i, spurious);
    }
    if (acked.length > 0 && top > this.largestAcked) this.largestAcked = top;
    for (const r of spurious) this.widenThresholds(r);
    return { acked, lost: this.detectLost(now, lossDelay), rttSample, spurious };
  }

  private takeSpurious(sequence: number, into: SentDatagram<T>[]): void {
    if (this.declaredLost.size === 0) return;
    const r = this.declaredLost.get(sequence);
    if (r === undefined) return;
    this.declaredLost.delete(sequence);
    into.push(r);
  }

  /** `r` arrived after `largestAcked - r.sequence` later datagrams: tolerate that much reordering. */
  private widenThresholds(r: SentDatagram<T>): void {
    const distance = this.largestAcked - r.sequence + 1;
    this.packetThresholdValue = Math.min(this.maxPacketThreshold, Math.max(this.packetThresholdValue, distance));
    this.timeThresholdValue = Math.min(MAX_TIME_THRESHOLD, this.timeThresholdValue + 1 / 8);
  }

  private declareLost(lost: readonly SentDatagram<T>[]): void {
    for (const r of lost) {
      this.take(r.sequence);
      if (!r.ackEliciting) continue;
      this.declaredLost.set(r.sequence, r);
      if (this.declaredLost.size > this.capacity) this.declaredLost.delete(this.declaredLost.keys().next().value as number);
    }
  }

  /** Datagrams lost by the packet or time threshold relative to the largest acked. */
  detectLost(now: number, lossDelay: number): SentDatagram<T>[] {
    const lost: SentDatagram<T>[] = [];
    for (const r of this.records.values()) {
      if (r.sequence >= this.largestAcked) break;
      if (this.largestAcked - r.sequence >= this.packetThresholdValue || now >= r.sentAt + lossDelay) lost.push(r);
    }
    this.declareLost(lost);
    return lost;
  }

  /** Retransmission timeout: everything sent at or before `now − rto` is declared lost. */
  expire(now: number, rto: number): SentDatagram<T>[] {
    const lost: SentDatagram<T>[] = [];
    for (const r of this.records.values()) {
      if (now < r.sentAt + rto) break;
      lost.push(r);
    }
    this.declareLost(lost);
    return lost;
  }

  /** When the next time-threshold loss could be declared, or undefined. */
  nextLossTime(lossDelay: number): number | undefined {
    for (const r of this.records.values()) {
      if (r.sequence >= this.largestAcked) return undefined;
      return r.sentAt + lossDelay;
    }
    return undefined;
  }

  /** Removes everything (connection closed). */
  clear(): SentDatagram<T>[] {
    const all = [...this.records.values()];
    this.records.clear();
    this.declaredLost.clear();
    this.inFlightBytes = 0;
    return all;
  }

  private take(sequence: number): SentDatagram<T> | undefined {
    const r = this.records.get(sequence);
    if (r === undefined) return undefined;
    this.records.delete(sequence);
    if (r.ackEliciting) this.inFlightBytes -= r.bytes;
    return r;
  }
}
