/**
 * Two connections joined by simulated links on a virtual clock (quinn's test `Pair`):
 * `step()` jumps to the next delivery or timer, `drive(until)` runs until a condition holds.
 * Used by the tests and the virtual-time soak; deterministic for a given seed.
 */
import type { Connection } from './connection.js';
import type { ConnectionEvent } from './connection-events.js';
import type { SimulatedLink } from './simulated-link.js';

export class VirtualPair {
  now = 0;

  constructor(
    readonly a: Connection,
    readonly b: Connection,
    readonly aToB: SimulatedLink,
    readonly bToA: SimulatedLink,
    private readonly onEvent: (side: 'a' | 'b', event: ConnectionEvent) => void = () => {},
  ) {}

  /** Advances to the next thing that happens; false when nothing is scheduled. */
  step(): boolean {
    this.flush();
    const next = this.nextTime();
    if (next === undefined) return false;
    this.now = Math.max(this.now, next);
    for (const d of this.aToB.poll(this.now)) this.b.handleDatagram(this.now, d);
    for (const d of this.bToA.poll(this.now)) this.a.handleDatagram(this.now, d);
    for (const c of [this.a, this.b]) {
      const t = c.pollTimeout();
      if (t !== undefined && t <= this.now) c.handleTimeout(this.now);
    }
    this.flush();
    this.drainEvents();
    return true;
  }

  /** Steps until `done()` or until virtual time passes `deadline`; returns done(). */
  drive(done: () => boolean, deadline = this.now + 600_000): boolean {
    while (!done() && this.now <= deadline) {
      if (!this.step()) break;
    }
    return done();
  }

  /** Runs everything scheduled up to `time`, then sets the clock to it (a game tick). */
  runUntil(time: number): void {
    for (let next = this.nextTime(); next !== undefined && next <= time; next = this.nextTime()) this.step();
    this.now = Math.max(this.now, time);
    this.flush();
  }

  /** Sends every datagram both sides have ready. */
  flush(): void {
    for (let d = this.a.pollTransmit(this.now); d !== undefined; d = this.a.pollTransmit(this.now)) this.aToB.send(this.now, d);
    for (let d = this.b.pollTransmit(this.now); d !== undefined; d = this.b.pollTransmit(this.now)) this.bToA.send(this.now, d);
  }

  private drainEvents(): void {
    for (let e = this.a.pollEvent(); e !== undefined; e = this.a.pollEvent()) this.onEvent('a', e);
    for (let e = this.b.pollEvent(); e !== undefined; e = this.b.pollEvent()) this.onEvent('b', e);
  }

  private nextTime(): number | undefined {
    this.flush();
    const times = [this.aToB.nextDelivery(), this.bToA.nextDelivery(), this.a.pollTimeout(), this.b.pollTimeout()].filter(
      (t): t is number => t !== undefined,
    );
    return times.length === 0 ? undefined : Math.min(...times);
  }
}
