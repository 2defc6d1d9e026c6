/**
 * Several sans-IO endpoints joined by simulated links on a virtual clock (the Endpoint
 * counterpart of VirtualPair): one SimulatedLink per direction and address pair, created on
 * first use with the network's conditions. Deterministic for a given seed.
 */
import type { Address, Endpoint, EndpointEvent } from './endpoint.js';
import { SeededRandom } from './seeded-random.js';
import { SimulatedLink, type LinkConditions } from './simulated-link.js';
import { VirtualClock } from './virtual-clock.js';

/** What the network drives: an Endpoint, or a test double such as a relay. */
export type NetworkNode = Pick<Endpoint, 'handleDatagram' | 'handleTimeout' | 'pollTransmit' | 'pollTimeout' | 'pollEvent'>;

/** Return false to drop a datagram before it enters the link. */
export type DatagramFilter = (from: Address, to: Address, bytes: Uint8Array, now: number) => boolean;

export class VirtualNetwork extends VirtualClock {
  readonly events = new Map<Address, EndpointEvent[]>();
  /** Datagrams sent to addresses nobody listens on. */
  readonly blackholed: { from: Address; to: Address; bytes: Uint8Array }[] = [];
  private readonly nodes = new Map<Address, NetworkNode>();
  private readonly links = new Map<string, { from: Address; to: Address; link: SimulatedLink }>();
  private seed: number;

  constructor(
    private readonly conditions: LinkConditions = {},
    seed = 1,
    start = 0,
    public filter: DatagramFilter = () => true,
  ) {
    super(start, 60_000);
    this.seed = seed;
  }

  add(address: Address, node: NetworkNode): void {
    this.nodes.set(address, node);
    this.events.set(address, []);
  }

  remove(address: Address): void {
    this.nodes.delete(address);
  }

  eventsOf(address: Address): EndpointEvent[] {
    return this.events.get(address) ?? [];
  }

  link(from: Address, to: Address): SimulatedLink {
    const key = `${from}>${to}`;
    let entry = this.links.get(key);
    if (entry === undefined) {
      entry = { from, to, link: new SimulatedLink(this.conditions, new SeededRandom(this.seed++)) };
      this.links.set(key, entry);
    }
    return entry.link;
  }

  /** Sends everything every node has ready. */
  flush(): void {
    for (const [from, node] of this.nodes) {
      for (let t = node.pollTransmit(this.now); t !== undefined; t = node.pollTransmit(this.now)) {
        if (!this.filter(from, t.to, t.bytes, this.now)) continue;
        if (!this.nodes.has(t.to)) this.blackholed.push({ from, to: t.to, bytes: t.bytes });
        else this.link(from, t.to).send(this.now, t.bytes);
      }
    }
  }

  protected deliverDue(): void {
    for (const { from, to, link } of this.links.values()) {
      const node = this.nodes.get(to);
      for (const d of link.poll(this.now)) node?.handleDatagram(this.now, from, d);
    }
    for (const node of this.nodes.values()) {
      const t = node.pollTimeout();
      if (t !== undefined && t <= this.now) node.handleTimeout(this.now);
    }
  }

  drainEvents(): void {
    for (const [address, node] of this.nodes) {
      const list = this.events.get(address) as EndpointEvent[];
      for (let e = node.pollEvent(); e !== undefined; e = node.pollEvent()) list.push(e);
    }
  }

  protected nextTime(): number | undefined {
    this.flush();
    let t = Number.POSITIVE_INFINITY;
    for (const { link } of this.links.values()) t = Math.min(t, link.nextDelivery() ?? t);
    for (const node of this.nodes.values()) t = Math.min(t, node.pollTimeout() ?? t);
    return t === Number.POSITIVE_INFINITY ? undefined : t;
  }
}
