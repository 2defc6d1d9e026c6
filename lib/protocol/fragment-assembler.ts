/**
 * Reassembles fragmented messages under a per-connection memory cap and a timeout. A message
 * is keyed by its (channel, message sequence); its fragment count is fixed by the first
 * fragment seen and must agree in every later one (error 3.6), and a count that could only
 * describe a message over the size limit is refused before anything is buffered.
 *
 * The memory cap counts what a peer makes us hold, not only payload bytes: fragments are kept in
 * a Map (never an array sized by the peer's fragment count, which cost 8 bytes per announced slot
 * while 1 byte was counted), a non-final fragment is charged at least FRAGMENT_FLOOR_BYTES and an
 * incomplete message at least PARTIAL_FLOOR_BYTES. A conforming peer's non-final fragments are
 * full (hundreds of bytes), so its messages are charged exactly their payload once past the floor.
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

/** Least a non-final fragment is charged (its object and Map entry cost about this much). */
export const FRAGMENT_FLOOR_BYTES = 128;
/** Least an incomplete message is charged (its record and Map). */
export const PARTIAL_FLOOR_BYTES = 256;

interface Partial {
  readonly count: number;
  readonly parts: Map<number, Uint8Array>;
  bytes: number;
  /** Sum of the fragments' charges (payload, floored for non-final fragments). */
  fragmentCharge: number;
  readonly startedAt: number;
}

function chargeOf(p: Pick<Partial, 'fragmentCharge'>): number {
  return Math.max(PARTIAL_FLOOR_BYTES, p.fragmentCharge);
}

export type FragmentResult =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'complete'; readonly message: Uint8Array };

export class FragmentAssembler {
  private readonly partials = new Map<number, Partial>();
  private held = 0;
  private charged = 0;
  discardedByTimeout = 0;

  constructor(private readonly options: FragmentAssemblerOptions) {}

  /** Bytes currently held by incomplete messages. */
  get bufferedBytes(): number {
    return this.held;
  }

  /** What incomplete messages are charged against the memory cap (payload plus floors). */
  get accountedBytes(): number {
    return this.charged;
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
    if (!Number.isInteger(id) || id < 0 || id >= count) {
      // the wire decoder already refuses these; the assembler does not rely on it
      throw new WireError(ErrorCode.FRAGMENT_ID, `fragment id ${id} not below fragment number ${count}`);
    }
    if (payload.length > maxFragmentPayload) {
      throw new WireError(ErrorCode.FRAGMENT_ID, `fragment of ${payload.length} bytes exceeds ${maxFragmentPayload}`);
    }
    const key = (channel << 16) | sequence;
    const existing = this.partials.get(key);
    if (existing !== undefined && existing.count !== count) {
      throw new WireError(ErrorCode.FRAGMENT_NUMBER, `fragment number ${count} disagrees with ${existing.count}`);
    }
    if (existing?.parts.has(id) === true) return { kind: 'duplicate' };
    const p: Partial = existing ?? { count, parts: new Map(), bytes: 0, fragmentCharge: 0, startedAt: now };
    const before = existing === undefined ? 0 : chargeOf(p);
    const fragmentCharge = id === count - 1 ? payload.length : Math.max(payload.length, FRAGMENT_FLOOR_BYTES);
    const after = chargeOf({ fragmentCharge: p.fragmentCharge + fragmentCharge });
    if (this.charged - before + after > this.options.memoryCap) {
      throw new WireError(ErrorCode.PACKET, `incomplete messages would hold more than ${this.options.memoryCap} bytes`);
    }
    if (existing === undefined) this.partials.set(key, p);
    p.parts.set(id, payload.slice());
    p.bytes += payload.length;
    p.fragmentCharge += fragmentCharge;
    this.held += payload.length;
    this.charged += after - before;
    if (p.bytes > maxMessageSize) {
      throw new WireError(ErrorCode.FRAGMENT_ID, `message exceeds ${maxMessageSize} bytes`);
    }
    if (p.parts.size < p.count) return { kind: 'incomplete' };
    this.release(key, p);
    const message = new Uint8Array(p.bytes);
    let at = 0;
    for (let i = 0; i < p.count; i++) {
      const part = p.parts.get(i) as Uint8Array;
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
      this.release(key, p);
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
    this.release(key, p);
  }

  private release(key: number, p: Partial): void {
    this.partials.delete(key);
    this.held -= p.bytes;
    this.charged -= chargeOf(p);
  }
}
