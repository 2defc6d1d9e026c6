import { describe, expect, it } from 'vitest';
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import { makePair, messages } from './pair-fixture.js';

describe('send-rate cap and congestion window', () => {
  it('maxSendRate bounds the bytes sent per second', () => {
    const { pair, events } = makePair({ link: { latencyMs: 5 }, options: { maxSendRate: 100_000, compressionThreshold: 0 } });
    const big = new Uint8Array(500_000).map((_, i) => (i * 131) & 0xff);
    pair.a.send(big, ChannelKind.RELIABLE_ORDERED);
    pair.drive(() => messages(events.b).length === 1);
    // 500 kB at 100 kB/s (after a 12 kB burst) takes close to 5 virtual seconds, not less
    expect(pair.now).toBeGreaterThan(4500);
    expect(pair.now).toBeLessThan(7000);
  });

  it('without a cap the same transfer is limited only by the window on a clean link', () => {
    const { pair, events } = makePair({ link: { latencyMs: 5 }, options: { compressionThreshold: 0 } });
    pair.a.send(new Uint8Array(500_000).map((_, i) => (i * 131) & 0xff), ChannelKind.RELIABLE_ORDERED);
    pair.drive(() => messages(events.b).length === 1);
    expect(pair.now).toBeLessThan(1000);
    expect(pair.a.stats.cwnd).toBeGreaterThan(12_000); // slow start grew the window
  });

  it('random loss shrinks the window and the stats report it', () => {
    const { pair, events } = makePair({ seed: 2, link: { latencyMs: 10, loss: 0.2 } });
    for (let i = 0; i < 200; i++) pair.a.send(new Uint8Array(1000).fill(i), ChannelKind.RELIABLE_UNORDERED);
    pair.drive(() => messages(events.b).length === 200);
    const s = pair.a.stats;
    expect(s.lost).toBeGreaterThan(0);
    expect(s.retransmits).toBeGreaterThan(0);
    expect(s.loss).toBeGreaterThan(0.05);
    expect(s.rtt).toBeGreaterThan(15);
    expect(s.packetsSent).toBeGreaterThan(200);
  });

  it('a clean link loses nothing, even when bursts outgrow the reach of one ACK', () => {
    // Regression: a receiver handed a whole burst in one step sent one ACK at the end; its 32 bits
    // could not reach the burst's first datagrams, which the sender then declared lost and resent.
    for (const congestionControl of ['loss-tolerant', 'newreno'] as const) {
      const { pair, events } = makePair({ link: { latencyMs: 20 }, options: { congestionControl } });
      for (let i = 0; i < 500; i++) pair.a.send(new Uint8Array(1000).fill(i), ChannelKind.RELIABLE_ORDERED);
      pair.drive(() => messages(events.b).length === 500);
      expect(pair.a.stats.cwnd).toBeGreaterThan(40 * 1200); // bursts of more than 33 datagrams happened
      expect(pair.a.stats.lost).toBe(0);
      expect(pair.a.stats.retransmits).toBe(0);
    }
  });

  it('a queue building behind a bottleneck costs no datagram: acknowledgements keep the timer from firing', () => {
    // Before the burst fix above this path showed ~300 timeouts: the ACKs that could not reach
    // back far enough left the oldest datagrams unacknowledged until the timer expired.
    const { pair, events } = makePair({ link: { latencyMs: 20, bandwidth: 250_000, queueBytes: 64_000 } });
    for (let i = 0; i < 2000; i++) pair.a.send(new Uint8Array(1000).fill(i), ChannelKind.RELIABLE_ORDERED);
    pair.drive(() => messages(events.b).length === 2000);
    expect(pair.aToB.stats.maxQueueBytes).toBeGreaterThan(20_000); // a queue did build
    expect(pair.aToB.stats.queueDrops).toBe(0);
    expect(pair.a.stats.lost).toBe(0);
  });
});

