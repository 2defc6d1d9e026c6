import { describe, expect, it } from 'vitest';
import { NewRenoController } from '../../lib/protocol/congestion.js';

describe('NewRenoController', () => {
  it('halves once per recovery period, not once per lost datagram', () => {
    const c = new NewRenoController({ mtu: 1000 });
    c.onLost(5, 10);
    expect(c.cwnd).toBe(5000);
    c.onLost(6, 11); // sent before recovery began: same event
    expect(c.cwnd).toBe(5000);
    c.onLost(12, 20);
    expect(c.cwnd).toBe(2500);
    expect(c.congestionEvents).toBe(2);
  });

  it('grows by the acked bytes in slow start and by about one datagram per window after', () => {
    const c = new NewRenoController({ mtu: 1000 });
    c.onAcked(2, { bytes: 1000, sentAt: 1, sequence: 0 });
    expect(c.cwnd).toBe(11_000);
    c.onLost(2, 3);
    const w = c.cwnd;
    for (let i = 0; i < 5; i++) c.onAcked(5, { bytes: 1000, sentAt: 4, sequence: 1 + i });
    expect(c.cwnd).toBeGreaterThan(w);
    expect(c.cwnd).toBeLessThan(w + 1000);
  });

  it('never drops below the minimum window and collapses to it on a timeout', () => {
    const c = new NewRenoController({ mtu: 1000 });
    for (let t = 0; t < 20; t++) c.onLost(t * 10 + 1, t * 10 + 2);
    expect(c.cwnd).toBe(2000);
    const d = new NewRenoController({ mtu: 1000 });
    d.onTimeout(1);
    expect(d.cwnd).toBe(2000);
    expect(d.canSend(1500, 600)).toBe(false);
    expect(d.canSend(1400, 600)).toBe(true);
  });
});
