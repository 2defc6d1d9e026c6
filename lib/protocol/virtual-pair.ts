/**
 * Two connections joined by simulated links on a virtual clock (quinn's test `Pair`):
 * `step()` jumps to the next delivery or timer, `drive(until)` runs until a condition holds.
 * Used by the tests and the virtual-time soak; deterministic for a given seed.
 */
import type { Connection } from './connection.js';
import type { ConnectionEvent } from './connection-events.js';
import type { SimulatedLink } from './simulated-link.js';
import { VirtualClock } from './virtual-clock.js';

export class VirtualPair extends VirtualClock {
  constructor(
    readonly a: Connection,
    readonly b: Connection,
    readonly aToB: SimulatedLink,
    readonly bToA: SimulatedLink,
    private readonly onEvent: (side: 'a' | 'b', event: ConnectionEvent) => void = () => {},
  ) {
    super(0, 600_000);
  }

  flush(): void {
    for (let d = this.a.pollTransmit(this.now); d !== undefined; d = this.a.pollTransmit(this.now)) this.aToB.send(this.now, d);
    for (let d = this.b.pollTransmit(this.now); d !== undefined; d = this.b.pollTransmit(this.now)) this.bToA.send(this.now, d);
  }

  drainEvents(): void {
    for (let e = this.a.pollEvent(); e !== undefined; e = this.a.pollEvent()) this.onEvent('a', e);
    for (let e = this.b.pollEvent(); e !== undefined; e = this.b.pollEvent()) this.onEvent('b', e);
  }

  protected deliverDue(): void {
    for (const d of this.aToB.poll(this.now)) this.b.handleDatagram(this.now, d);
    for (const d of this.bToA.poll(this.now)) this.a.handleDatagram(this.now, d);
    for (const c of [this.a, this.b]) {
      const t = c.pollTimeout();
      if (t !== undefined && t <= this.now) c.handleTimeout(this.now);
    }
  }

  protected nextTime(): number | undefined {
    this.flush();
    const times = [this.aToB.nextDelivery(), this.bToA.nextDelivery(), this.a.pollTimeout(), this.b.pollTimeout()].filter(
      (t): t is number => t !== undefined,
    );
    return times.length === 0 ? undefined : Math.min(...times);
  }
}
