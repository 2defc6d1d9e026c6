import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AckWindow } from '../../lib/protocol/ack-window.js';

describe('AckWindow over sequence ids', () => {
  it('drops duplicates and datagrams older than the window', () => {
    const r = new AckWindow();
    expect(r.record(5)).toBe(true);
    expect(r.record(5)).toBe(false);
    for (let s = 6; s < 2000; s++) r.record(s);
    expect(r.record(6)).toBe(false);
  });

  it('acks the newest and flags the 32 before it', () => {
    const r = new AckWindow();
    for (const s of [10, 11, 13, 14]) r.record(s);
    expect(r.ackId).toBe(14);
    // 13 received (bit 0), 12 missing (bit 1), 11 (bit 2), 10 (bit 3)
    expect(r.ackBits).toBe(0b1101);
    r.record(12);
    expect(r.ackBits).toBe(0b1111);
  });

  it('unwraps across 65535 -> 0 for three full wraps', () => {
    const r = new AckWindow();
    for (let i = 0; i < 3 * 65_536 + 100; i++) expect(r.record(i & 0xffff)).toBe(true);
    expect(r.ackId).toBe((3 * 65_536 + 99) & 0xffff);
    expect(r.ackBits).toBe(0xffffffff);
    expect(r.record(65_535)).toBe(false); // the previous wrap's 65535 is long gone
  });

  it('matches a model: ack bits are exactly the received set behind the newest', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 0xffff }), (offsets, base) => {
        const r = new AckWindow();
        const seen = new Set<number>();
        let top = -1;
        for (const o of offsets) {
          const fresh = !seen.has(o) && (top < 0 || o > top || top - o < 1024);
          const s = (base + o) & 0xffff;
          // only meaningful while the model stays within half the sequence space
          expect(r.record(s)).toBe(fresh);
          if (fresh) seen.add(o);
          top = Math.max(top, o);
        }
        expect(r.ackId).toBe((base + top) & 0xffff);
        for (let i = 0; i < 32; i++) expect(Boolean(r.ackBits & (1 << i))).toBe(seen.has(top - 1 - i));
      }),
      { seed: 21, numRuns: 400 },
    );
  });
});
