import { describe, expect, it } from 'vitest';
import { ChannelKind } from '../../lib/protocol/channel-kind.js';
import { RELIABLE_WINDOW } from '../../lib/protocol/channel-receiver.js';
import { piecePayload, SendQueue, type Piece } from '../../lib/protocol/send-queue.js';

const options = { wholePayload: 100, fragmentPayload: 90, maxMessageSize: 10_000, maxQueuedUnreliableBytes: 1000 };
const drain = (q: SendQueue): Piece[] => {
  const out: Piece[] = [];
  for (let p = q.take(); p !== undefined; p = q.take()) out.push(p);
  return out;
};

describe('SendQueue', () => {
  it('refuses a message over the size limit and a channel index out of range', () => {
    const q = new SendQueue(options);
    expect(() => q.enqueue(ChannelKind.RELIABLE_ORDERED, 0, new Uint8Array(10_001))).toThrow(RangeError);
    expect(() => q.enqueue(ChannelKind.RELIABLE_ORDERED, 64, new Uint8Array(1))).toThrow(RangeError);
  });

  it('numbers messages per channel and splits large ones into fragments that cover the message', () => {
    const q = new SendQueue(options);
    q.enqueue(ChannelKind.UNRELIABLE, 1, new Uint8Array(10));
    q.enqueue(ChannelKind.UNRELIABLE, 1, new Uint8Array(10));
    const big = new Uint8Array(250).map((_, i) => i);
    q.enqueue(ChannelKind.RELIABLE_ORDERED, 0, big);
    const pieces = drain(q);
    expect(pieces.map((p) => [p.message.sequence, p.fragment])).toEqual([[0, -1], [1, -1], [0, 0], [0, 1], [0, 2]]);
    expect(Buffer.concat(pieces.slice(2).map(piecePayload))).toEqual(Buffer.from(big));
  });

  it('serves retransmissions before fresh data and forgets lost unreliable pieces', () => {
    const q = new SendQueue(options);
    q.enqueue(ChannelKind.RELIABLE_UNORDERED, 0, Uint8Array.of(1));
    q.enqueue(ChannelKind.UNRELIABLE, 0, Uint8Array.of(2));
    const [reliable, unreliable] = drain(q) as [Piece, Piece];
    q.enqueue(ChannelKind.UNRELIABLE, 0, Uint8Array.of(3));
    q.onLost([reliable, unreliable]);
    expect(piecePayload(q.take() as Piece)).toEqual(Uint8Array.of(1));
    expect(piecePayload(q.take() as Piece)).toEqual(Uint8Array.of(3));
    expect(q.take()).toBeUndefined();
  });

  it('holds reliable messages beyond the window until the oldest is acknowledged', () => {
    const q = new SendQueue(options);
    for (let i = 0; i < RELIABLE_WINDOW + 5; i++) q.enqueue(ChannelKind.RELIABLE_ORDERED, 0, Uint8Array.of(i & 0xff));
    const first = drain(q);
    expect(first).toHaveLength(RELIABLE_WINDOW);
    q.onAcked(first.slice(1, 3));
    expect(q.hasPending).toBe(false); // the oldest is still unacknowledged
    q.onAcked(first.slice(0, 1));
    expect(drain(q).map((p) => p.message.sequence)).toEqual([1024, 1025, 1026]);
    expect(q.unackedReliable).toBe(RELIABLE_WINDOW + 5 - 3);
  });

  it('drops the oldest unreliable pieces beyond the queue cap, never reliable ones', () => {
    const q = new SendQueue(options);
    q.enqueue(ChannelKind.RELIABLE_ORDERED, 0, new Uint8Array(100));
    for (let i = 0; i < 20; i++) q.enqueue(ChannelKind.UNRELIABLE_SEQUENCED, 0, new Uint8Array(100).fill(i));
    const pieces = drain(q);
    expect(q.droppedUnreliable).toBe(10);
    expect(pieces[0]?.message.reliable).toBe(true);
    expect(pieces.slice(1).map((p) => piecePayload(p)[0])).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });
});
