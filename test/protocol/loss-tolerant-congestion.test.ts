import { describe, expect, it } from 'vitest';
import { LossTolerantController } from '../../lib/protocol/loss-tolerant-congestion.js';

const MTU = 1000;

/** Extended sequences the next datagram of each controller carries. */
const sequences = new WeakMap<LossTolerantController, number>();

/**
 * Drives one round trip: sends a full window at `now` (so growth is allowed), samples `rtt` for
 * every datagram and acknowledges them all; `lost` of them are reported lost instead, and the first
 * `spurious` of those acknowledged after all. Returns the time.
 */
function round(c: LossTolerantController, now: number, rtt: number, lost = 0, spurious = 0): number {
  const n = Math.max(1, Math.floor(c.cwnd / MTU));
  const first = sequences.get(c) ?? 0;
  sequences.set(c, first + n);
  c.canSend(c.cwnd, MTU); // window-limited: the next datagram did not fit
  const end = now + rtt;
  for (let i = 0; i < n; i++) {
    if (i < lost) {
      c.onLost(now, end);
      // a reordered datagram: declared lost, then acknowledged a few acknowledgements later
      if (i < spurious) c.onSpuriousLoss();
    } else {
      c.onRttSample(rtt);
      c.onAcked(end, { bytes: MTU, sentAt: now, sequence: first + i }, first + n);
    }
  }
  return end;
}

describe('LossTolerantController', () => {
  it('slow start doubles per round while the RTT stays at its floor', () => {
    const c = new LossTolerantController({ mtu: MTU });
    let t = 0;
    for (let i = 0; i < 3; i++) t = round(c, t, 50);
    expect(c.cwnd).toBe(80_000);
    expect(c.ssthresh).toBe(Number.POSITIVE_INFINITY);
  });

  it('random loss with no queueing keeps the window, and counts the losses as random', () => {
    const c = new LossTolerantController({ mtu: MTU });
    let t = 0;
    for (let i = 0; i < 3; i++) t = round(c, t, 50);
    const w = c.cwnd;
    t = round(c, t, 50, Math.floor(w / MTU / 5)); // 20 % lost, RTT unchanged
    expect(c.cwnd).toBeGreaterThanOrEqual(w);
    expect(c.congestionEvents).toBe(0);
    expect(c.randomLosses).toBe(Math.floor(w / MTU / 5));
  });

  it('a standing queue ends slow start at once and then shrinks the window before anything is lost', () => {
    const c = new LossTolerantController({ mtu: MTU });
    let t = 0;
    for (let i = 0; i < 3; i++) t = round(c, t, 50);
    // the first acknowledgement of a flight closes the previous round, so a change shows one round late
    t = round(c, t, 60);
    t = round(c, t, 60);
    expect(c.ssthresh).toBeLessThan(Number.POSITIVE_INFINITY);
    const w = c.cwnd;
    // the smoothed estimate needs a few rounds to tell a queue from jitter
    for (let i = 0; i < 12; i++) t = round(c, t, 60);
    expect(c.backlog).toBeGreaterThan(4);
    expect(c.cwnd).toBeLessThan(w);
    expect(c.congestionEvents).toBe(0);
  });

  it('jitter alone is not read as a queue', () => {
    const c = new LossTolerantController({ mtu: MTU });
    let t = 0;
    for (let i = 0; i < 40; i++) t = round(c, t, [50, 58, 53, 61, 50, 55][i % 6] as number);
    expect(c.backlog).toBeLessThan(2);
  });

  it('a loss while the path is queueing halves the window once per recovery period', () => {
    const c = new LossTolerantController({ mtu: MTU });
    let t = 0;
    for (let i = 0; i < 3; i++) t = round(c, t, 50);
    for (let i = 0; i < 8; i++) t = round(c, t, 70);
    expect(c.backlog).toBeGreaterThan(4);
    const w = c.cwnd;
    c.onLost(t, t + 70);
    expect(c.cwnd).toBe(w / 2);
    c.onLost(t + 1, t + 71); // sent before the recovery began: the same event
    expect(c.cwnd).toBe(w / 2);
    expect(c.congestionEvents).toBe(1);
  });

  it('a loss rate above the tolerance counts as congestion even without queueing (a policer)', () => {
    const c = new LossTolerantController({ mtu: MTU, lossTolerance: 0.3 });
    let t = 0;
    for (let i = 0; i < 3; i++) t = round(c, t, 50);
    const events = c.congestionEvents;
    for (let i = 0; i < 12; i++) t = round(c, t, 50, Math.ceil(c.cwnd / MTU / 2)); // half of every round lost
    expect(c.lossRate).toBeGreaterThan(0.3);
    expect(c.congestionEvents).toBeGreaterThan(events);
    expect(c.cwnd).toBeLessThan(20_000);
  });

  it('spurious losses are taken back out of the loss rate', () => {
    const c = new LossTolerantController({ mtu: MTU });
    let t = 0;
    for (let i = 0; i < 2; i++) t = round(c, t, 50);
    for (let i = 0; i < 10; i++) {
      const half = Math.floor(c.cwnd / MTU / 2);
      t = round(c, t, 50, half, half);
    }
    expect(c.lossRate).toBe(0);
    expect(c.randomLosses).toBeGreaterThan(100);
    expect(c.congestionEvents).toBe(0);
  });

  it('a lone timeout keeps the window, a second in a row halves it, a third collapses it to the minimum', () => {
    const c = new LossTolerantController({ mtu: MTU, initialWindow: 16 });
    c.onTimeout(10);
    expect(c.cwnd).toBe(16_000);
    c.onTimeout(20);
    expect(c.cwnd).toBe(8000);
    c.onTimeout(40);
    expect(c.cwnd).toBe(2000);
    expect(c.congestionEvents).toBe(2);
    expect(c.canSend(1500, 500)).toBe(true);
    expect(c.canSend(1500, 600)).toBe(false);
    // an acknowledgement between two timeouts makes the second a lone one again
    const d = new LossTolerantController({ mtu: MTU });
    d.onTimeout(10);
    d.onRttSample(50);
    d.onAcked(30, { bytes: MTU, sentAt: 15, sequence: 0 }, 1);
    d.onTimeout(40);
    expect(d.cwnd).toBe(10_000);
    expect(d.congestionEvents).toBe(0);
  });

  it('does not grow while the application, not the window, limits sending', () => {
    const c = new LossTolerantController({ mtu: MTU });
    for (let t = 0, sequence = 0; t < 5000; t += 50, sequence++) {
      c.canSend(1000, MTU); // one datagram in flight out of a 10-datagram window
      c.onRttSample(50);
      c.onAcked(t + 50, { bytes: MTU, sentAt: t, sequence }, sequence + 1);
    }
    expect(c.cwnd).toBe(10_000);
  });

  it('rejects a loss tolerance outside (0, 1]', () => {
    expect(() => new LossTolerantController({ mtu: MTU, lossTolerance: 0 })).toThrow(RangeError);
    expect(() => new LossTolerantController({ mtu: MTU, lossTolerance: 1.5 })).toThrow(RangeError);
  });
});
