/**
 * A binary min-heap of (time, item) entries. The endpoint keeps one entry per connection
 * deadline; entries are never updated in place: a changed deadline is pushed again and the
 * outdated entry is recognised and dropped when it surfaces (lazy deletion), which keeps every
 * operation O(log n) without an index from items to heap slots.
 */
export class TimerHeap<T> {
  private readonly times: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.times.length;
  }

  push(at: number, item: T): void {
    let i = this.times.length;
    this.times.push(at);
    this.items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.times[parent] as number) <= at) break;
      this.move(parent, i);
      i = parent;
    }
    this.times[i] = at;
    this.items[i] = item;
  }

  peekTime(): number | undefined {
    return this.times[0];
  }

  peekItem(): T | undefined {
    return this.items[0];
  }

  pop(): void {
    const n = this.times.length - 1;
    if (n < 0) return;
    const at = this.times[n] as number;
    const item = this.items[n] as T;
    this.times.pop();
    this.items.pop();
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (this.times[right] as number) < (this.times[left] as number) ? right : left;
      if ((this.times[child] as number) >= at) break;
      this.move(child, i);
      i = child;
    }
    this.times[i] = at;
    this.items[i] = item;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] as number;
    this.items[to] = this.items[from] as T;
  }
}
