import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sequenceDistance, sequenceNewer, sequenceNext } from '../../lib/protocol/sequence.js';

describe('16-bit sequence arithmetic', () => {
  it('orders across the wrap from 65535 to 0', () => {
    expect(sequenceNewer(0, 65_535)).toBe(true);
    expect(sequenceNewer(65_535, 0)).toBe(false);
    expect(sequenceNext(65_535)).toBe(0);
    expect(sequenceDistance(2, 65_534)).toBe(4);
    expect(sequenceDistance(65_534, 2)).toBe(-4);
  });

  it('a is newer than a - d for every d in 1..32767, from any start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 0x7fff }), (a, d) => {
        const b = (a - d) & 0xffff;
        expect(sequenceNewer(a, b)).toBe(true);
        expect(sequenceNewer(b, a)).toBe(false);
        expect(sequenceDistance(a, b)).toBe(d);
      }),
      { seed: 3 },
    );
  });
});
