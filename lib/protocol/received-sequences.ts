/**
 * Receiver-side datagram bookkeeping: unwraps 16-bit sequence ids into a monotonic 53-bit
 * space, drops duplicates within a 1024-datagram window, and produces the ACK fields
 * (ack id = newest received, bit i = newest − 1 − i received).
 */
import { ReplayWindow } from './replay-window.js';
import { sequenceDistance } from './sequence.js';

export const ACK_BITS_WIDTH = 32;

export class ReceivedSequences {
  private readonly window = new ReplayWindow(1024);
  /** Highest extended sequence received, -1 before the first. */
  private highest = -1;
  private bits = 0;

  /**
   * The extended sequence for a 16-bit id: the candidate nearest the newest received. The
   * first id lands one wrap up, so datagrams that were sent before it still map below it.
   */
  unwrap(sequence: number): number {
    if (this.highest < 0) return sequence + 0x1_0000;
    return this.highest + sequenceDistance(sequence, this.highest & 0xffff);
  }

  /** True if `sequence` would be recorded as new; changes nothing. */
  isNew(sequence: number): boolean {
    return this.window.check(this.unwrap(sequence));
  }

  /** True if the datagram is new (and records it); false for a duplicate or a too-old one. */
  record(sequence: number): boolean {
    const extended = this.unwrap(sequence);
    if (!this.window.check(extended)) return false;
    this.window.commit(extended);
    if (extended > this.highest) {
      const shift = extended - this.highest;
      if (this.highest < 0) this.bits = 0;
      else if (shift > ACK_BITS_WIDTH) this.bits = 0;
      else this.bits = ((shift === ACK_BITS_WIDTH ? 0 : this.bits << shift) | (1 << (shift - 1))) >>> 0;
      this.highest = extended;
    } else {
      const age = this.highest - extended;
      if (age <= ACK_BITS_WIDTH) this.bits = (this.bits | (1 << (age - 1))) >>> 0;
    }
    return true;
  }

  get hasReceived(): boolean {
    return this.highest >= 0;
  }

  get ackId(): number {
    return this.highest & 0xffff;
  }

  get ackBits(): number {
    return this.bits;
  }
}
