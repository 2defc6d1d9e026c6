/**
 * The receive-side window both I/O paths share (docs/NATIVE.md "ack window"): a 1024-entry
 * anti-replay bitmap over a monotonic 53-bit space plus the 32 ACK bits, kept in 36 32-bit
 * words with a fixed layout so the C++ engine (native/ack_window.cc) and this twin can work on
 * the same memory. Two uses:
 * - packet counters (AEAD replay protection): `check` before opening, `commit` after the tag
 *   verified, so forged datagrams cannot move the window;
 * - 16-bit datagram sequence ids: `unwrap` widens them, `isNew`/`record` drop duplicates and
 *   maintain the ACK fields (ack id = newest received, bit i = newest − 1 − i received).
 * State is read from the words on every call (never cached), because on the native path C++
 * updates them between JS calls.
 */
import { sequenceDistance } from './sequence.js';

/** [0] 1 once anything was committed, [1] highest hi, [2] highest lo, [3] ACK bits, [4..36) bitmap. */
export const ACK_WINDOW_WORDS = 36;
export const ACK_WINDOW_SIZE = 1024;
export const ACK_BITS_WIDTH = 32;
const HAS = 0;
const TOP_HI = 1;
const TOP_LO = 2;
const BITS = 3;
const MAP = 4;
const TWO_32 = 0x1_0000_0000;

export class AckWindow {
  /** `words` is this window's state (ACK_WINDOW_WORDS long, zero = empty); a new array by default. */
  constructor(readonly words: Uint32Array = new Uint32Array(ACK_WINDOW_WORDS)) {
    if (words.length !== ACK_WINDOW_WORDS) throw new RangeError(`an ack window is ${ACK_WINDOW_WORDS} words, got ${words.length}`);
  }

  /** Highest value committed, -1 before the first. */
  get highest(): number {
    const w = this.words;
    return w[HAS] === 0 ? -1 : (w[TOP_HI] as number) * TWO_32 + (w[TOP_LO] as number);
  }

  /** True when `value` has not been committed and is not older than the window. Changes nothing. */
  check(value: number): boolean {
    const top = this.highest;
    if (value > top) return true;
    if (top - value >= ACK_WINDOW_SIZE) return false;
    const slot = value % ACK_WINDOW_SIZE;
    return (((this.words[MAP + (slot >>> 5)] as number) >>> (slot & 31)) & 1) === 0;
  }

  /** Records `value` (which must have passed check()). */
  commit(value: number): void {
    const w = this.words;
    const top = this.highest;
    if (value > top) {
      if (value - top >= ACK_WINDOW_SIZE) {
        w.fill(0, MAP);
      } else {
        for (let v = top + 1; v < value; v++) {
          const s = v % ACK_WINDOW_SIZE;
          w[MAP + (s >>> 5)] = (w[MAP + (s >>> 5)] as number) & ~(1 << (s & 31));
        }
      }
      w[HAS] = 1;
      w[TOP_HI] = Math.floor(value / TWO_32);
      w[TOP_LO] = value >>> 0;
    }
    const slot = value % ACK_WINDOW_SIZE;
    w[MAP + (slot >>> 5)] = (w[MAP + (slot >>> 5)] as number) | (1 << (slot & 31));
  }

  // ---- 16-bit sequence ids ----

  /**
   * The extended sequence for a 16-bit id: the candidate nearest the newest received. The
   * first id lands one wrap up, so datagrams that were sent before it still map below it.
   */
  unwrap(sequence: number): number {
    const top = this.highest;
    if (top < 0) return sequence + 0x1_0000;
    return top + sequenceDistance(sequence, top & 0xffff);
  }

  /** True if `sequence` would be recorded as new; changes nothing. */
  isNew(sequence: number): boolean {
    return this.check(this.unwrap(sequence));
  }

  /** True if the datagram is new (and records it); false for a duplicate or a too-old one. */
  record(sequence: number): boolean {
    const extended = this.unwrap(sequence);
    if (!this.check(extended)) return false;
    const top = this.highest;
    const w = this.words;
    if (extended > top) {
      const shift = extended - top;
      const bits = w[BITS] as number;
      if (top < 0 || shift > ACK_BITS_WIDTH) w[BITS] = 0;
      else w[BITS] = ((shift === ACK_BITS_WIDTH ? 0 : bits << shift) | (1 << (shift - 1))) >>> 0;
    } else {
      const age = top - extended;
      if (age <= ACK_BITS_WIDTH) w[BITS] = ((w[BITS] as number) | (1 << (age - 1))) >>> 0;
    }
    this.commit(extended);
    return true;
  }

  get hasReceived(): boolean {
    return this.words[HAS] !== 0;
  }

  get ackId(): number {
    return (this.words[TOP_LO] as number) & 0xffff;
  }

  get ackBits(): number {
    return this.words[BITS] as number;
  }
}
