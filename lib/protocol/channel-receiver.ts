/**
 * Receive-side delivery rules per channel kind: reliable-ordered holds messages until the gap
 * before them fills; reliable-unordered delivers each message once; unreliable-sequenced never
 * delivers an older message after a newer one; unreliable delivers what arrives.
 */
import { ChannelKind } from './channel-kind.js';
import { AckWindow } from './ack-window.js';
import { sequenceDistance, sequenceNewer, sequenceNext } from './sequence.js';

/** Messages a reliable channel may run ahead of its oldest undelivered one (sender honours it). */
export const RELIABLE_WINDOW = 1024;

export interface ChannelReceiver {
  /** Returns the messages now deliverable, in delivery order (possibly none). */
  accept(sequence: number, message: Uint8Array): Uint8Array[];
  /** True when `accept` would certainly drop this sequence (so its fragments need no buffer). */
  isStale(sequence: number): boolean;
  /** Messages dropped as duplicates, stale or outside the window. */
  readonly dropped: number;
}

class OrderedReceiver implements ChannelReceiver {
  private expected = 0;
  private readonly held = new Map<number, Uint8Array>();
  dropped = 0;

  isStale(sequence: number): boolean {
    return sequenceDistance(sequence, this.expected) < 0 || this.held.has(sequence);
  }

  accept(sequence: number, message: Uint8Array): Uint8Array[] {
    const ahead = sequenceDistance(sequence, this.expected);
    if (ahead < 0 || ahead >= RELIABLE_WINDOW || this.held.has(sequence)) {
      this.dropped++;
      return [];
    }
    if (ahead > 0) {
      this.held.set(sequence, message);
      return [];
    }
    const out = [message];
    this.expected = sequenceNext(this.expected);
    for (let next = this.held.get(this.expected); next !== undefined; next = this.held.get(this.expected)) {
      this.held.delete(this.expected);
      out.push(next);
      this.expected = sequenceNext(this.expected);
    }
    return out;
  }
}

class UnorderedReceiver implements ChannelReceiver {
  private readonly seen = new AckWindow();
  dropped = 0;

  isStale(sequence: number): boolean {
    return !this.seen.isNew(sequence);
  }

  accept(sequence: number, message: Uint8Array): Uint8Array[] {
    if (this.seen.record(sequence)) return [message];
    this.dropped++;
    return [];
  }
}

class SequencedReceiver implements ChannelReceiver {
  private last = -1;
  dropped = 0;

  isStale(sequence: number): boolean {
    return this.last >= 0 && !sequenceNewer(sequence, this.last);
  }

  accept(sequence: number, message: Uint8Array): Uint8Array[] {
    if (this.last >= 0 && !sequenceNewer(sequence, this.last)) {
      this.dropped++;
      return [];
    }
    this.last = sequence;
    return [message];
  }
}

class PassThroughReceiver implements ChannelReceiver {
  readonly dropped = 0;

  isStale(): boolean {
    return false;
  }

  accept(_sequence: number, message: Uint8Array): Uint8Array[] {
    return [message];
  }
}

export function createChannelReceiver(kind: ChannelKind): ChannelReceiver {
  switch (kind) {
    case ChannelKind.RELIABLE_ORDERED:
      return new OrderedReceiver();
    case ChannelKind.RELIABLE_UNORDERED:
      return new UnorderedReceiver();
    case ChannelKind.UNRELIABLE_SEQUENCED:
      return new SequencedReceiver();
    case ChannelKind.UNRELIABLE:
      return new PassThroughReceiver();
  }
}
