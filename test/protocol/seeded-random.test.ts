import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../lib/protocol/seeded-random.js';

describe('SeededRandom', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('is roughly uniform: each of 16 buckets within 10 % of its share over 160k draws', () => {
    const r = new SeededRandom(7);
    const buckets = new Array<number>(16).fill(0);
    for (let i = 0; i < 160_000; i++) buckets[r.int(0, 15)]! += 1;
    for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(1_000);
  });

  it('chance(0) never fires and chance(1) always does; fill covers odd lengths', () => {
    const r = new SeededRandom(1);
    for (let i = 0; i < 1000; i++) {
      expect(r.chance(0)).toBe(false);
      expect(r.chance(1)).toBe(true);
    }
    const out = r.fill(new Uint8Array(7));
    expect(out.some((x) => x !== 0)).toBe(true);
  });
});
