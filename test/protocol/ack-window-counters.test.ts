import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AckWindow } from '../../lib/protocol/ack-window.js';

describe('AckWindow over packet counters', () => {
  it('refuses state of the wrong size', () => {
    expect(() => new AckWindow(new Uint32Array(8))).toThrow(RangeError);
  });

  it('accepts each counter once and refuses replays', () => {
    const w = new AckWindow();
    for (const c of [0, 1, 5, 3, 2]) {
      expect(w.check(c)).toBe(true);
      w.commit(c);
      expect(w.check(c)).toBe(false);
    }
    expect(w.check(4)).toBe(true);
    expect(w.highest).toBe(5);
  });

  it('refuses counters older than the window and accepts the oldest inside it', () => {
    const w = new AckWindow();
    w.commit(5000);
    expect(w.check(5000 - 1024)).toBe(false);
    expect(w.check(5000 - 1023)).toBe(true);
  });

  it('forgets nothing inside the window after a large jump', () => {
    const w = new AckWindow();
    w.commit(10);
    w.commit(10 + 5000);
    expect(w.check(10)).toBe(false); // too old now
    expect(w.check(5009)).toBe(true);
    w.commit(5009);
    expect(w.check(5009)).toBe(false);
  });

  it('matches a set-based model on random arrival orders', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 400 }), (arrivals) => {
        const w = new AckWindow();
        const seen = new Set<number>();
        let top = -1;
        for (const c of arrivals) {
          const fresh = !seen.has(c) && (c > top || top - c < 1024);
          expect(w.check(c)).toBe(fresh);
          if (fresh) {
            w.commit(c);
            seen.add(c);
            top = Math.max(top, c);
          }
        }
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
