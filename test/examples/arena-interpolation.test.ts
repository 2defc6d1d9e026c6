import { describe, expect, it } from 'vitest';
import { InterpolationBuffer } from '../../examples/arena/interpolation-buffer.js';
import type { EntityState } from '../../examples/arena/snapshot.js';
import { EntityKind, POSITION_SCALE } from '../../examples/arena/wire-format.js';

/** Entities at arena-unit positions, quantized as snapshots carry them. */
function at(...positions: [id: number, x: number, y: number][]): Map<number, EntityState> {
  return new Map(positions.map(([id, x, y]) => [id, { kind: EntityKind.PLAYER, x: x * POSITION_SCALE, y: y * POSITION_SCALE, score: 0 }]));
}

describe('arena interpolation buffer', () => {
  it('shows nothing before the first snapshot', () => {
    const buffer = new InterpolationBuffer(100);
    expect(buffer.renderTime(1_000)).toBeUndefined();
    expect(buffer.view(1_000).size).toBe(0);
  });

  it('interpolates linearly between the two snapshots around the render time', () => {
    const buffer = new InterpolationBuffer(100);
    buffer.push(0, 10, at([1, 0, 0]));
    buffer.push(50, 60, at([1, 100, 40]));
    expect(buffer.sample(25).get(1)).toEqual({ x: 50, y: 20 });
    expect(buffer.sample(40).get(1)).toEqual({ x: 80, y: 32 });
  });

  it('renders delayMs behind the fastest arrival: a late snapshot does not pull the render time back', () => {
    const buffer = new InterpolationBuffer(100);
    buffer.push(0, 10, at([1, 0, 0])); // offset −10
    buffer.push(50, 90, at([1, 50, 0])); // 30 ms late: offset −40
    expect(buffer.renderTime(200)).toBe(200 - 10 - 100);
    // 150 ms after the first arrival: 40 ms of server time past the first snapshot
    expect(buffer.view(150).get(1)?.x).toBeCloseTo(40);
  });

  it('holds the ends without extrapolating, and counts render times past the newest as starved', () => {
    const buffer = new InterpolationBuffer(100);
    buffer.push(100, 0, at([1, 10, 10]));
    buffer.push(150, 50, at([1, 20, 10]));
    expect(buffer.sample(0).get(1)).toEqual({ x: 10, y: 10 });
    expect(buffer.stats.starved).toBe(0);
    expect(buffer.sample(400).get(1)).toEqual({ x: 20, y: 10 });
    expect(buffer.stats).toEqual({ samples: 2, starved: 1 });
  });

  it('bridges a missing snapshot by interpolating across the gap', () => {
    const buffer = new InterpolationBuffer(100);
    buffer.push(0, 0, at([1, 0, 0]));
    buffer.push(100, 100, at([1, 100, 0])); // the one at 50 was lost
    expect(buffer.sample(50).get(1)).toEqual({ x: 50, y: 0 });
  });

  it('shows a joining entity at its first position and drops a leaving one', () => {
    const buffer = new InterpolationBuffer(100);
    buffer.push(0, 0, at([1, 0, 0], [2, 5, 5]));
    buffer.push(50, 50, at([1, 10, 0], [3, 30, 30]));
    const view = buffer.sample(25);
    expect([...view.keys()].sort()).toEqual([1, 3]);
    expect(view.get(3)).toEqual({ x: 30, y: 30 });
  });

  it('ignores a snapshot older than the newest it holds', () => {
    const buffer = new InterpolationBuffer(100);
    buffer.push(50, 50, at([1, 10, 0]));
    buffer.push(0, 60, at([1, 999, 0]));
    expect(buffer.newestServerMs).toBe(50);
    expect(buffer.sample(0).get(1)).toEqual({ x: 10, y: 0 });
  });

  it('keeps a bounded number of frames', () => {
    const buffer = new InterpolationBuffer(100, 4);
    for (let i = 0; i < 10; i++) buffer.push(i * 50, i * 50, at([1, i, 0]));
    // frames 0..5 are gone: the oldest held is at 300 ms (x = 6)
    expect(buffer.sample(0).get(1)).toEqual({ x: 6, y: 0 });
  });
});
