/**
 * The UDP ports game servers may bind, `from..to` inclusive. Free ports are handed out
 * least-recently-released first: a port that just served a match may still receive stray
 * datagrams from its old clients, so it rests at the back of the queue before it is reused.
 */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export class PortPool {
  private readonly free: number[] = [];
  private readonly taken = new Set<number>();

  constructor(readonly range: PortRange) {
    const { from, to } = range;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 65_535 || from > to) {
      throw new RangeError(`port range must be integers with 1 <= from <= to <= 65535, got ${from}..${to}`);
    }
    for (let p = from; p <= to; p++) this.free.push(p);
  }

  /** A free port, now taken; undefined when every port is taken. */
  acquire(): number | undefined {
    const port = this.free.shift();
    if (port !== undefined) this.taken.add(port);
    return port;
  }

  /** Gives a taken port back; releasing a port twice, or one outside the range, is a bug. */
  release(port: number): void {
    if (!this.taken.delete(port)) throw new Error(`port ${port} is not taken from this pool`);
    this.free.push(port);
  }

  isTaken(port: number): boolean {
    return this.taken.has(port);
  }

  get size(): number {
    return this.range.to - this.range.from + 1;
  }

  get freeCount(): number {
    return this.free.length;
  }

  get takenCount(): number {
    return this.taken.size;
  }
}
