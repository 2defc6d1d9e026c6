/**
 * Calls `tick` at a fixed rate on the event loop. setInterval rounds to whole milliseconds and
 * drifts; this schedules each wake-up against an absolute deadline (performance.now) and runs the
 * ticks that came due. A loop that falls more than `maxCatchUp` ticks behind skips the rest and
 * counts them, instead of spiralling.
 */
export interface FixedRateLoopStats {
  ticks: number;
  /** Ticks dropped because the loop fell too far behind (the process was busy). */
  skipped: number;
}

export class FixedRateLoop {
  readonly stats: FixedRateLoopStats = { ticks: 0, skipped: 0 };
  private readonly periodMs: number;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    hz: number,
    private readonly tick: () => void,
    private readonly maxCatchUp = 4,
  ) {
    if (!(hz > 0)) throw new RangeError('hz must be positive');
    this.periodMs = 1000 / hz;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.next = performance.now() + this.periodMs;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.run(), Math.max(0, this.next - performance.now()));
  }

  private run(): void {
    const now = performance.now();
    let due = 0;
    while (this.next <= now && due < this.maxCatchUp) {
      due++;
      this.next += this.periodMs;
    }
    if (this.next <= now) {
      const behind = Math.floor((now - this.next) / this.periodMs) + 1;
      this.stats.skipped += behind;
      this.next += behind * this.periodMs;
    }
    for (let i = 0; i < due && this.timer !== undefined; i++) {
      this.stats.ticks++;
      this.tick();
    }
    if (this.timer !== undefined) this.schedule();
  }
}
