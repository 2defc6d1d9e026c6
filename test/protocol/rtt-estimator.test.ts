import { describe, expect, it } from 'vitest';
import { RttEstimator } from '../../lib/protocol/rtt-estimator.js';

describe('RttEstimator (RFC 6298)', () => {
  it('ignores nonsense samples', () => {
    const r = new RttEstimator();
    r.sample(-1);
    r.sample(Number.NaN);
    r.sample(Number.POSITIVE_INFINITY);
    expect(r.sampleCount).toBe(0);
    expect(r.rto).toBe(250);
  });

  it('first sample sets SRTT = R and RTTVAR = R/2', () => {
    const r = new RttEstimator({ minRto: 1 });
    r.sample(100);
    expect(r.srtt).toBe(100);
    expect(r.rttvar).toBe(50);
    expect(r.rto).toBe(300);
  });

  it('later samples smooth with alpha 1/8 and beta 1/4', () => {
    const r = new RttEstimator({ minRto: 1 });
    r.sample(100);
    r.sample(200);
    expect(r.rttvar).toBeCloseTo(0.75 * 50 + 0.25 * 100);
    expect(r.srtt).toBeCloseTo(0.875 * 100 + 0.125 * 200);
    expect(r.rto).toBeCloseTo(r.srtt + 4 * r.rttvar);
  });

  it('backs off exponentially on timeouts up to the cap and resets on a new sample', () => {
    const r = new RttEstimator({ minRto: 1, maxRto: 1000 });
    r.sample(100);
    r.onTimeout();
    expect(r.rto).toBe(600);
    r.onTimeout();
    expect(r.rto).toBe(1000);
    r.onTimeout();
    expect(r.rto).toBe(1000);
    r.sample(100);
    expect(r.rto).toBeLessThan(600);
  });

  it('clamps to the minimum on a steady low-latency link', () => {
    const r = new RttEstimator({ minRto: 30 });
    for (let i = 0; i < 50; i++) r.sample(1);
    expect(r.rto).toBe(30);
  });
});
