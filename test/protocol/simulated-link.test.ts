import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../lib/protocol/seeded-random.js';
import { SimulatedLink } from '../../lib/protocol/simulated-link.js';

const datagram = (i: number): Uint8Array => Uint8Array.of(i & 0xff, i >> 8, 0, 0);

describe('SimulatedLink', () => {
  it('drops datagrams over the MTU', () => {
    const link = new SimulatedLink({ mtu: 100 }, new SeededRandom(1));
    link.send(0, new Uint8Array(101));
    expect(link.poll(1e9)).toHaveLength(0);
    expect(link.stats.oversize).toBe(1);
  });

  it('delivers in order after the latency on a clean link, and not before', () => {
    const link = new SimulatedLink({ latencyMs: 30 }, new SeededRandom(1));
    for (let i = 0; i < 10; i++) link.send(i, datagram(i));
    expect(link.poll(29)).toHaveLength(0);
    expect(link.nextDelivery()).toBe(30);
    const out = link.poll(1000);
    expect(out.map((d) => d[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('applies loss, duplication, reordering and corruption at about their rates, reproducibly', () => {
    const run = () => {
      const link = new SimulatedLink(
        { latencyMs: 10, jitterMs: 5, loss: 0.25, duplicate: 0.05, reorder: 0.1, corrupt: 0.01 },
        new SeededRandom(99),
      );
      const received: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        link.send(i, datagram(i));
        for (const d of link.poll(i)) received.push((d[0] as number) | ((d[1] as number) << 8));
      }
      for (const d of link.poll(1e9)) received.push((d[0] as number) | ((d[1] as number) << 8));
      return { stats: { ...link.stats }, received };
    };
    const a = run();
    expect(a.stats.lost / a.stats.sent).toBeCloseTo(0.25, 1);
    expect(a.stats.duplicated / a.stats.sent).toBeCloseTo(0.05 * 0.75, 1);
    expect(a.stats.corrupted).toBeGreaterThan(100);
    expect(a.stats.delivered).toBe(a.stats.sent - a.stats.lost + a.stats.duplicated);
    const outOfOrder = a.received.filter((v, i) => i > 0 && v < (a.received[i - 1] as number)).length;
    expect(outOfOrder).toBeGreaterThan(100);
    expect(run()).toEqual(a);
  });

  it('a bottleneck serialises datagrams at its rate and drops what overflows its queue', () => {
    // 100,000 B/s: a 1,000-byte datagram takes 10 ms; the queue holds 3,000 bytes
    const link = new SimulatedLink({ latencyMs: 5, bandwidth: 100_000, queueBytes: 3000 }, new SeededRandom(1));
    for (let i = 0; i < 5; i++) link.send(0, new Uint8Array(1000).fill(i));
    expect(link.stats.queueDrops).toBe(2);
    expect(link.stats.maxQueueBytes).toBe(3000);
    expect(link.poll(14)).toHaveLength(0);
    expect(link.poll(15).map((d) => d[0])).toEqual([0]);
    expect(link.poll(35).map((d) => d[0])).toEqual([1, 2]);
    // drained: the next datagram waits for nothing
    link.send(100, new Uint8Array(1000).fill(9));
    expect(link.nextDelivery()).toBe(115);
  });
});

