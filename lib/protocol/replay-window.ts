/**
 * Anti-replay for 64-bit packet counters (docs/PROTOCOL.md §5): remembers the highest counter
 * accepted and a bitmap of the `size` counters below it. A counter is accepted once; anything
 * older than the window is refused. Check before opening, commit only after the AEAD verified,
 * so forged packets cannot move the window.
 */

export class ReplayWindow {
  private readonly words: Uint32Array;
  private readonly size: number;
  /** Highest counter committed, -1 before the first. */
  private top = -1;

  /** `size` is rounded up to a multiple of 32; at least 1024 by default. */
  constructor(size = 1024) {
    if (!Number.isInteger(size) || size < 32) throw new RangeError(`replay window must be ≥ 32, got ${size}`);
    this.words = new Uint32Array(Math.ceil(size / 32));
    this.size = this.words.length * 32;
  }

  get highest(): number {
    return this.top;
  }

  /** True when `counter` has not been seen and is not too old. Does not change state. */
  check(counter: number): boolean {
    if (counter > this.top) return true;
    const age = this.top - counter;
    if (age >= this.size) return false;
    return (this.bit(counter) & 1) === 0;
  }

  /** Records `counter` (which must have passed check()). */
  commit(counter: number): void {
    if (counter > this.top) {
      this.clearRange(this.top + 1, counter, counter - this.top);
      this.top = counter;
    }
    const slot = counter % this.size;
    this.words[slot >>> 5] = (this.words[slot >>> 5] as number) | (1 << (slot & 31));
  }

  private bit(counter: number): number {
    const slot = counter % this.size;
    return (this.words[slot >>> 5] as number) >>> (slot & 31);
  }

  /** Clears the slots of counters [from, to] that the window advances over. */
  private clearRange(from: number, to: number, span: number): void {
    if (span >= this.size) {
      this.words.fill(0);
      return;
    }
    for (let c = from; c <= to; c++) {
      const slot = c % this.size;
      this.words[slot >>> 5] = (this.words[slot >>> 5] as number) & ~(1 << (slot & 31));
    }
  }
}
