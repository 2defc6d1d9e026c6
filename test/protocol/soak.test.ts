import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak.js';

describe('virtual-time soak (default: 25 % loss, 5 % duplication, reordering, 1 % corruption)', () => {
  it('100,000 messages per kind: reliable channels deliver every one exactly once, intact, in order where ordered', () => {
    const r = runSoak({ messages: 100_000, seed: 1 });
    expect(r).toMatchObject({ messages: 200_000, lost: 0, duplicated: 0, corrupted: 0, out_of_order: 0 });
    expect(r.by_kind.unreliable_sequenced?.out_of_order).toBe(0);
    expect(r.by_kind.unreliable?.duplicated).toBe(0);
  }, 180_000);
});
