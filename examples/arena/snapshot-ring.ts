/**
 * The last N snapshots by id, in a fixed array indexed by id mod N: a lookup is one slot, and an
 * id that has been overwritten (too old) or never stored simply is not found, which is exactly
 * the "baseline unknown or too old: send a full snapshot" case.
 */
import type { WorldSnapshot } from './snapshot.js';

export class SnapshotRing {
  private readonly slots: (WorldSnapshot | undefined)[];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.slots = new Array<WorldSnapshot | undefined>(capacity).fill(undefined);
  }

  put(snapshot: WorldSnapshot): void {
    this.slots[snapshot.id % this.capacity] = snapshot;
  }

  get(id: number): WorldSnapshot | undefined {
    if (id === 0) return undefined;
    const s = this.slots[id % this.capacity];
    return s?.id === id ? s : undefined;
  }
}
