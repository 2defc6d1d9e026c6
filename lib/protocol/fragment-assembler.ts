/**
 * Reassembles fragmented messages under a per-connection memory cap and a timeout. A message
 * is keyed by its (channel, message sequence); its fragment count is fixed by the first
 * fragment seen and must agree in every later one (error 3.6), and a count that could only
 * describe a message over the size limit is refused before anything is buffered.
 */
import { ErrorCode, WireError } from '../wire/errors.js';

export interface FragmentAssemblerOptions {
  /** Largest message accepted, bytes. */
  readonly maxMessageSize: number;
  /** Largest fragment payload a peer can send (one datagram), bytes. */
  readonly maxFragmentPayload: number;
  /** Smallest fragment payload a conforming peer sends (at the minimum MTU), bytes: bounds the fragment count. */
  readonly minFragmentPayload: number;
  /** Bytes held by incomplete messages at most; beyond it the connection is closed. */
  readonly memoryCap: number;
  /** An incomplete message older than this is discarded, ms. */
  readonly timeoutMs: number;
}

interface Partial {
  readonly count: number;
  readonly parts: (Uint8Array | undefined)[];
  received: number;
  bytes: number;
  readonly startedAt: number;
}

export type FragmentResult =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'complete'; readonly message: Uint8Array };

export class FragmentAssembler {
  private readonly partials = new Map<number, Partial>();
  private held = 0;
  discardedByTimeout = 0;

  constructor(private readonly options: FragmentAssemblerOptions) {}

  /** Bytes currently held by incomplete messages. */
  get bufferedBytes(): number {
    return this.held;
  }

  get pending(): number {
    return this.partials.size;
  }

  /**
   * Adds one fragment (its payload is copied). Throws WireError 3.5/3.6 for inconsistent
   * fields and WireError 3.0 when the memory cap would be exceeded: the caller closes the
   * connection with that error.
   */
  add(channel: number, sequence: number, id: number, count: number, payload: Uint8Array, now: number): FragmentResult {
    const { maxMessageSize, maxFragmentPayload, minFragmentPayload } = this.options;
    if (count > Math.ceil(maxMessageSize / minFragmentPayload)) {
      throw new WireError(ErrorCode.FRAGMENT_NUMBER, `${count} fragments exceed the ${maxMessageSize}-byte message limit`);
    }
    if (payload.length > maxFragmentPayload) {
      throw new WireError(ErrorCode.FRAGMENT_ID, `fragment of ${payload.length} bytes exceeds ${maxFragmentPayload}`);
    }
    const key = (channel << 16) | sequence;
    let p = this.partials.get(key);
    if (p === undefined) {
      p = { count, parts: new Array<Uint8Array | undefined>(count), received: 0, bytes: 0, startedAt: now };
      this.partials.set(key, p);
    } else if (p.count !== count) {
      throw new WireError(ErrorCode.FRAGMENT_NUMBER, `fragment number ${count} disagrees with ${p.count}`);
    }
    if (p.parts[id] !== undefined) return { kind: 'duplicate' };
    if (this.held + payload.length > this.options.memoryCap) {
      throw new WireError(ErrorCode.PACKET, `incomplete messages would hold more than ${this.options.memoryCap} bytes`);
    }
    p.parts[id] = payload.slice();
    p.received++;
    p.bytes += payload.length;
    this.held += payload.length;
    if (p.bytes > maxMessageSize) {
      throw new WireError(ErrorCode.FRAGMENT_ID, `message exceeds ${maxMessageSize} bytes`);
    }
    if (p.received < p.count) return { kind: 'incomplete' };
    this.partials.delete(key);
    this.held -= p.bytes;
    const message = new Uint8Array(p.bytes);
    let at = 0;
    for (const part of p.parts as Uint8Array[]) {
      message.set(part, at);
      at += part.length;
    }
    return { kind: 'complete', message };
  }

  /** Drops incomplete messages older than the timeout; returns how many. */
  expire(now: number): number {
    let dropped = 0;
    for (const [key, p] of this.partials) {
      if (now - p.startedAt < this.options.timeoutMs) continue;
      this.partials.delete(key);
      this.held -= p.bytes;
      dropped++;
    }
    this.discardedByTimeout += dropped;
    return dropped;
  }

  /** Earliest time a partial message times out, or undefined. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const p of this.partials.values()) {
      const t = p.startedAt + this.options.timeoutMs;
      if (next === undefined || t < next) next = t;
    }
    return next;
  }

  /** Forgets one message (e.g. an unreliable message superseded on its channel). */
  drop(channel: number, sequence: number): void {
    const key = (channel << 16) | sequence;
    const p = this.partials.get(key);
    if (p === undefined) return;
    this.partials.delete(key);
    this.held -= p.bytes;
  }
}
