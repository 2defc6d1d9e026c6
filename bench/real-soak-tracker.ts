/**
 * The receiver's ledger for one stream of the real-network soak: which sequence numbers
 * arrived intact, how often, and in what order. A bitmap rather than a Set, so 10^6 messages
 * cost 1 MB and no per-message allocation.
 */
import type { StreamResult } from './real-soak-messages.js';

export class StreamTracker {
  private readonly seen: Uint8Array;
  private maxSeen = -1;
  distinct = 0;
  delivered = 0;
  duplicated = 0;
  corrupted = 0;
  outOfOrder = 0;

  constructor(
    readonly messages: number,
    /** Ordered streams count a message older than one already delivered as out of order. */
    private readonly ordered: boolean,
  ) {
    this.seen = new Uint8Array(messages);
  }

  get complete(): boolean {
    return this.distinct === this.messages;
  }

  intact(sequence: number): void {
    this.delivered++;
    // a sequence the sender never used cannot be intact (it would have to forge the payload)
    if (sequence >= this.messages) {
      this.corrupted++;
      return;
    }
    if (this.seen[sequence] === 1) {
      this.duplicated++;
      return;
    }
    this.seen[sequence] = 1;
    this.distinct++;
    if (this.ordered && sequence < this.maxSeen) this.outOfOrder++;
    if (sequence > this.maxSeen) this.maxSeen = sequence;
  }

  damaged(): void {
    this.delivered++;
    this.corrupted++;
  }

  result(): StreamResult {
    return {
      messages: this.messages,
      delivered: this.delivered,
      lost: this.messages - this.distinct,
      duplicated: this.duplicated,
      corrupted: this.corrupted,
      out_of_order: this.outOfOrder,
    };
  }
}
