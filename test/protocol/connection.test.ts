import { describe, expect, it } from 'vitest';
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import { makePair, messages } from './pair-fixture.js';

const msg = (i: number, size = 8) => {
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, i);
  return out;
};
const ids = (list: Uint8Array[]) => list.map((m) => new DataView(m.buffer, m.byteOffset).getUint32(0));

describe('Connection over a virtual link', () => {
  it('lifecycle: reliable-ordered messages both ways arrive once, in order, encrypted', () => {
    const { pair, events } = makePair();
    for (let i = 0; i < 100; i++) {
      pair.a.send(msg(i), ChannelKind.RELIABLE_ORDERED);
      pair.b.send(msg(i), ChannelKind.RELIABLE_ORDERED);
    }
    expect(pair.drive(() => messages(events.a).length === 100 && messages(events.b).length === 100)).toBe(true);
    expect(ids(messages(events.b))).toEqual([...Array(100).keys()]);
    expect(ids(messages(events.a))).toEqual([...Array(100).keys()]);
    expect(pair.a.stats.decryptFailed).toBe(0);
  });

  it('coalesces small messages: 100 × 8 B fit in a handful of datagrams', () => {
    const { pair, events } = makePair();
    for (let i = 0; i < 100; i++) pair.a.send(msg(i), ChannelKind.UNRELIABLE);
    pair.drive(() => messages(events.b).length === 100);
    expect(pair.aToB.stats.sent).toBeLessThanOrEqual(2);
  });

  it('reliable channels survive 25 % loss, duplication, reordering and corruption', () => {
    const { pair, events } = makePair({ seed: 7, link: { latencyMs: 30, jitterMs: 10, loss: 0.25, duplicate: 0.05, reorder: 0.1, corrupt: 0.01 } });
    const n = 2000;
    for (let i = 0; i < n; i++) pair.a.send(msg(i, 4 + (i % 300)), i % 2 ? ChannelKind.RELIABLE_ORDERED : ChannelKind.RELIABLE_UNORDERED, i % 3);
    expect(pair.drive(() => messages(events.b).length >= n)).toBe(true);
    const got = messages(events.b);
    expect(got).toHaveLength(n);
    expect(new Set(ids(got)).size).toBe(n);
    expect(pair.b.stats.decryptFailed).toBeGreaterThan(0); // corruption was caught by the AEAD
  });

  it('delivers a 1 MiB message through fragmentation over a lossy link', () => {
    const { pair, events } = makePair({ seed: 3, link: { latencyMs: 20, loss: 0.1 } });
    const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
    pair.a.send(big, ChannelKind.RELIABLE_ORDERED);
    expect(pair.drive(() => messages(events.b).length === 1)).toBe(true);
    expect(Buffer.compare(Buffer.from(messages(events.b)[0] as Uint8Array), Buffer.from(big))).toBe(0);
  });
});
