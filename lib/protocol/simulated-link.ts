/**
 * A deterministic one-way network path for virtual-time tests: latency, jitter, loss,
 * duplication, reordering, corruption and an MTU, all driven by a seeded RNG. Datagrams go in
 * with `send(now, bytes)` and come out of `poll(now)` in delivery-time order.
 */
import { SeededRandom } from './seeded-random.js';

export interface LinkConditions {
  /** One-way base latency, ms. Default 20. */
  readonly latencyMs?: number;
  /** Uniform extra delay in [0, jitterMs], ms. Default 0. */
  readonly jitterMs?: number;
  /** Probability a datagram is lost. Default 0. */
  readonly loss?: number;
  /** Probability a datagram is delivered twice. Default 0. */
  readonly duplicate?: number;
  /** Probability a datagram is held back by an extra 1..3 × latency (reordering it). Default 0. */
  readonly reorder?: number;
  /** Probability one random bit of the datagram is flipped. Default 0. */
  readonly corrupt?: number;
  /** Datagrams larger than this are dropped. Default 65,507. */
  readonly mtu?: number;
  /**
   * A bottleneck: the link serialises datagrams at this many bytes per second behind a drop-tail
   * queue of `queueBytes`. 0 = infinitely fast (the default).
   */
  readonly bandwidth?: number;
  /** The bottleneck's queue, bytes. Default 64 KiB. */
  readonly queueBytes?: number;
}

export interface LinkStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  corrupted: number;
  oversize: number;
  /** Dropped because the bottleneck's queue was full. */
  queueDrops: number;
  /** The longest the bottleneck's queue grew, bytes. */
  maxQueueBytes: number;
}

interface InFlight {
  readonly at: number;
  readonly order: number;
  readonly bytes: Uint8Array;
}

export class SimulatedLink {
  readonly stats: LinkStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0, corrupted: 0, oversize: 0, queueDrops: 0, maxQueueBytes: 0 };
  /** When the bottleneck finishes sending what it holds. */
  private busyUntil = 0;
  private readonly heap: InFlight[] = [];
  private order = 0;
  private readonly c: Required<LinkConditions>;

  constructor(conditions: LinkConditions, private readonly rng: SeededRandom) {
    this.c = {
      latencyMs: conditions.latencyMs ?? 20,
      jitterMs: conditions.jitterMs ?? 0,
      loss: conditions.loss ?? 0,
      duplicate: conditions.duplicate ?? 0,
      reorder: conditions.reorder ?? 0,
      corrupt: conditions.corrupt ?? 0,
      mtu: conditions.mtu ?? 65_507,
      bandwidth: conditions.bandwidth ?? 0,
      queueBytes: conditions.queueBytes ?? 64 * 1024,
    };
  }

  /** Hands a datagram to the link; it keeps its own copy. */
  send(now: number, bytes: Uint8Array): void {
    this.stats.sent++;
    if (bytes.length > this.c.mtu) {
      this.stats.oversize++;
      return;
    }
    if (this.rng.chance(this.c.loss)) {
      this.stats.lost++;
      return;
    }
    const departs = this.bottleneck(now, bytes.length);
    if (departs === undefined) return;
    const copies = this.rng.chance(this.c.duplicate) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) this.schedule(departs, bytes.slice());
  }

  /** When a datagram entering now leaves the bottleneck, or undefined when its queue is full. */
  private bottleneck(now: number, length: number): number | undefined {
    if (this.c.bandwidth <= 0) return now;
    const start = Math.max(now, this.busyUntil);
    const queued = ((start - now) * this.c.bandwidth) / 1000;
    if (queued + length > this.c.queueBytes) {
      this.stats.queueDrops++;
      return undefined;
    }
    this.stats.maxQueueBytes = Math.max(this.stats.maxQueueBytes, queued + length);
    this.busyUntil = start + (length * 1000) / this.c.bandwidth;
    return this.busyUntil;
  }

  /** Earliest pending delivery time, or undefined when nothing is in flight. */
  nextDelivery(): number | undefined {
    return this.heap[0]?.at;
  }

  /** Datagrams due at or before `now`, in delivery order. */
  poll(now: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    while (this.heap.length > 0 && (this.heap[0] as InFlight).at <= now) out.push(this.pop().bytes);
    this.stats.delivered += out.length;
    return out;
  }

  get inFlight(): number {
    return this.heap.length;
  }

  private schedule(now: number, bytes: Uint8Array): void {
    let delay = this.c.latencyMs + this.rng.next() * this.c.jitterMs;
    if (this.rng.chance(this.c.reorder)) {
      this.stats.reordered++;
      delay += this.c.latencyMs * this.rng.int(1, 3) + 1;
    }
    if (bytes.length > 0 && this.rng.chance(this.c.corrupt)) {
      this.stats.corrupted++;
      const bit = this.rng.int(0, bytes.length * 8 - 1);
      bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
    }
    this.push({ at: now + delay, order: this.order++, bytes });
  }

  private push(item: InFlight): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as InFlight, h[parent] as InFlight)) break;
      [h[i], h[parent]] = [h[parent] as InFlight, h[i] as InFlight];
      i = parent;
    }
  }

  private pop(): InFlight {
    const h = this.heap;
    const top = h[0] as InFlight;
    const last = h.pop() as InFlight;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l] as InFlight, h[m] as InFlight)) m = l;
        if (r < h.length && before(h[r] as InFlight, h[m] as InFlight)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as InFlight, h[i] as InFlight];
        i = m;
      }
    }
    return top;
  }
}

function before(a: InFlight, b: InFlight): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
