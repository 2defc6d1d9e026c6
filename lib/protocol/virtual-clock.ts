/**
 * The virtual-time loop shared by VirtualPair (two Connections) and VirtualNetwork (many
 * Endpoints): jump to the next delivery or timer, deliver and fire what is due, send what
 * became ready, hand out events. Subclasses say what "deliver", "send" and "events" mean.
 */
export abstract class VirtualClock {
  now: number;

  protected constructor(
    start: number,
    /** How far drive() runs by default, virtual ms. */
    private readonly horizonMs: number,
  ) {
    this.now = start;
  }

  /** Sends every datagram every node has ready. */
  abstract flush(): void;
  /** Hands every pending event to its consumer. */
  abstract drainEvents(): void;
  /** Delivers the datagrams due at `now` and fires the timers due at `now`. */
  protected abstract deliverDue(): void;
  /** Earliest pending delivery or timer (after flushing), or undefined when idle. */
  protected abstract nextTime(): number | undefined;

  /** Advances to the next thing that happens; false when nothing is scheduled. */
  step(): boolean {
    const next = this.nextTime();
    if (next === undefined) return false;
    this.now = Math.max(this.now, next);
    this.deliverDue();
    this.flush();
    this.drainEvents();
    return true;
  }

  /** Steps until `done()` or until virtual time passes `deadline`; returns done(). */
  drive(done: () => boolean, deadline = this.now + this.horizonMs): boolean {
    this.drainEvents();
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
    this.drainEvents();
  }
}
