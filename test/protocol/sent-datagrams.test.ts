import { describe, expect, it } from 'vitest';
import { SentDatagrams } from '../../lib/protocol/sent-datagrams.js';

function window(n: number, start = 0, capacity = 1024) {
  const w = new SentDatagrams<number>({ capacity });
  for (let s = start; s < start + n; s++) w.add({ sequence: s, sentAt: s - start, bytes: 100, ackEliciting: true, payload: s });
  return w;
}

describe('SentDatagrams', () => {
  it('refuses more than its capacity in flight', () => {
    const w = window(4, 0, 4);
    expect(w.isFull).toBe(true);
    expect(() => w.add({ sequence: 4, sentAt: 0, bytes: 1, ackEliciting: true, payload: 4 })).toThrow(RangeError);
  });

  it('acks the ack id and every flagged bit, and samples RTT from the ack id', () => {
    const w = window(10);
    const out = w.onAck(9, 0b101, 10, 50, 1e9);
    expect(out.acked.map((r) => r.payload).sort()).toEqual([6, 8, 9]);
    expect(out.rttSample).toBe(50 - 9);
    // 0..5 are three or more behind 9: lost; only 7 remains in flight
    expect(out.lost.map((r) => r.payload)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(w.bytesInFlight).toBe(100);
  });

  it('declares datagrams 3 or more behind the largest acked lost (fast retransmit)', () => {
    const w = window(10);
    const out = w.onAck(9, 0, 10, 20, 1e9);
    expect(out.lost.map((r) => r.payload)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(w.count).toBe(2); // 7 and 8 may still arrive
  });

  it('declares younger gaps lost after the time threshold', () => {
    const w = window(10);
    w.onAck(9, 0, 10, 20, 1e9);
    expect(w.nextLossTime(30)).toBe(7 + 30);
    expect(w.detectLost(36, 30)).toHaveLength(0);
    expect(w.detectLost(38, 30).map((r) => r.payload)).toEqual([7, 8]);
  });

  it('widens 16-bit ack ids across the wrap', () => {
    const w = window(10, 65_530);
    const out = w.onAck((65_539) & 0xffff, 0, 65_540, 100, 1e9);
    expect(out.acked.map((r) => r.payload)).toEqual([65_539]);
  });

  it('expires everything older than the RTO from the oldest', () => {
    const w = window(5);
    expect(w.expire(102, 100).map((r) => r.payload)).toEqual([0, 1, 2]);
    expect(w.count).toBe(2);
  });

  it('ignores acks for unknown or already acked datagrams', () => {
    const w = window(3);
    w.onAck(2, 0b11, 3, 10, 1e9);
    const again = w.onAck(2, 0b11, 3, 11, 1e9);
    expect(again.acked).toHaveLength(0);
    expect(again.rttSample).toBeUndefined();
  });

  it('a datagram declared lost and acknowledged later is reported spurious and widens both thresholds', () => {
    const w = window(20);
    expect(w.packetThreshold).toBe(3);
    expect(w.timeThreshold).toBe(9 / 8);
    const first = w.onAck(9, 0, 20, 20, 1e9);
    expect(first.lost.map((r) => r.payload)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // 2 arrives after all, nine datagrams out of order: the next loss needs 10 later ones
    const late = w.onAck(10, 1 << 7, 20, 21, 1e9); // ack id 10, bit 7 = 10 - 1 - 7 = 2
    expect(late.spurious.map((r) => r.payload)).toEqual([2]);
    expect(late.acked.map((r) => r.payload)).toEqual([10]);
    expect(w.packetThreshold).toBe(9);
    expect(w.timeThreshold).toBe(9 / 8 + 1 / 8);
    // 7 and 8 are 8 and 7 behind 15 now: no longer enough to call them lost
    expect(w.onAck(15, 0, 20, 22, 1e9).lost).toHaveLength(0);
    // an ack naming a sequence never declared lost is not spurious; a second mention of 2 is nothing
    expect(w.onAck(15, 1 << 12, 20, 23, 1e9).spurious).toHaveLength(0);
  });

  it('the packet threshold widens no further than its maximum, the time threshold no further than 2 RTTs', () => {
    const w = new SentDatagrams<number>({ maxPacketThreshold: 8 });
    for (let s = 0; s < 300; s++) w.add({ sequence: s, sentAt: s, bytes: 100, ackEliciting: true, payload: s });
    for (let k = 0; k < 12; k++) {
      const top = 40 + 20 * k;
      w.onAck(top, 0, 300, 1000, 1e9); // everything 8 or more behind is declared lost
      w.onAck(top + 1, 1 << 9, 300, 1001, 1e9); // then top + 1 - 1 - 9 = top - 9 arrives after all
    }
    expect(w.packetThreshold).toBe(8);
    expect(w.timeThreshold).toBe(2);
  });
});
