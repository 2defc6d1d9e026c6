import { describe, expect, it } from 'vitest';
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import { createChannelReceiver, RELIABLE_WINDOW } from '../../lib/protocol/channel-receiver.js';

const m = (n: number) => Uint8Array.of(n & 0xff);
const ids = (out: Uint8Array[]) => out.map((x) => x[0]);

describe('channel receivers', () => {
  it('reliable-ordered drops duplicates and messages beyond the window', () => {
    const r = createChannelReceiver(ChannelKind.RELIABLE_ORDERED);
    expect(ids(r.accept(0, m(0)))).toEqual([0]);
    expect(r.accept(0, m(0))).toEqual([]);
    expect(r.accept(RELIABLE_WINDOW + 1, m(1))).toEqual([]);
    expect(r.dropped).toBe(2);
  });

  it('reliable-ordered holds messages until the gap fills, across the 16-bit wrap', () => {
    const r = createChannelReceiver(ChannelKind.RELIABLE_ORDERED);
    for (let s = 0; s < 65_530; s++) r.accept(s, m(s));
    expect(r.accept(65_532, m(2))).toEqual([]);
    expect(r.accept(1, m(9))).toEqual([]);
    expect(ids(r.accept(65_530, m(0)))).toEqual([0]);
    expect(r.accept(0, m(8))).toEqual([]);
    expect(ids(r.accept(65_531, m(1)))).toEqual([1, 2]);
    r.accept(65_533, m(3));
    r.accept(65_534, m(4));
    // 65535 releases the held 0 and 1 from the next wrap
    expect(ids(r.accept(65_535, m(5)))).toEqual([5, 8, 9]);
    expect(ids(r.accept(2, m(10)))).toEqual([10]);
  });

  it('reliable-unordered delivers each message once in arrival order', () => {
    const r = createChannelReceiver(ChannelKind.RELIABLE_UNORDERED);
    expect(ids(r.accept(5, m(5)))).toEqual([5]);
    expect(ids(r.accept(3, m(3)))).toEqual([3]);
    expect(r.accept(5, m(5))).toEqual([]);
  });

  it('unreliable-sequenced never delivers an older message after a newer one', () => {
    const r = createChannelReceiver(ChannelKind.UNRELIABLE_SEQUENCED);
    expect(ids(r.accept(65_535, m(1)))).toEqual([1]);
    expect(ids(r.accept(2, m(2)))).toEqual([2]);
    expect(r.accept(0, m(0))).toEqual([]);
    expect(r.accept(2, m(2))).toEqual([]);
  });
});
