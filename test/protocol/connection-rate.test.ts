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
});
