/**
 * Attack family 5: decompression bombs in sealed datagrams from an authenticated peer
 * (PROTOCOL.md §2 "inflates into a hard cap … larger than the cap is error 3.8", §8.8). A
 * COMPRESSED datagram under 1,200 bytes that inflates past the per-datagram cap (65,507) or to a
 * message over maxMessageSize is refused with 3.8: not delivered, not acknowledged, one rate-limited
 * ERROR 3.8 reply, and the heap does not grow with the number of bombs.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ChannelKind, channelByte } from '../../lib/protocol/channel-kind.js';
import { writeFrame } from '../../lib/protocol/frames.js';
import { Flag, PacketType } from '../../lib/wire/constants.js';
import { drainEvents, drainTransmit, hostilePeer } from './fixtures.js';

const ORDERED = channelByte(ChannelKind.RELIABLE_ORDERED, 0);

function framesOf(sizes: number[]): Uint8Array {
  const out = new Uint8Array(sizes.reduce((n, s) => n + s + 5, 0));
  let at = 0;
  sizes.forEach((s, i) => {
    at = writeFrame(out, at, ORDERED, i, new Uint8Array(s));
  });
  return out;
}

function repliesOf(seal: ReturnType<typeof hostilePeer>['seal'], datagrams: Uint8Array[]): string[] {
  return datagrams.map((d) => {
    const r = seal.unprotect(d);
    if (!r.ok) return 'unopenable';
    return r.packet.type === PacketType.ERROR ? `ERROR ${r.packet.major}.${r.packet.minor}` : `type ${r.packet.type}`;
  });
}

describe('decompression bombs', () => {
  it('past the 65,507-byte inflate cap: 1,000 bombs, 3.8, nothing delivered or acknowledged, one reply per interval, heap flat', () => {
    const { victim, seal } = hostilePeer();
    const bomb = deflateRawSync(framesOf([60_000, 60_000]), { level: 9 }); // 120,010 bytes inflated
    expect(bomb.length).toBeLessThan(1200);
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i++) {
      victim.handleDatagram(i, seal.protect({ type: PacketType.DEFAULT, flags: Flag.RELIABLE | Flag.COMPRESSED, sequence: i, data: bomb }));
    }
    const heapDelta = process.memoryUsage().heapUsed - heapBefore;
    expect(victim.stats).toMatchObject({ malformed: 1000, messagesDelivered: 0, packetsReceived: 1000 });
    expect(drainEvents(victim)).toEqual([]);
    // one ERROR 3.8 (errorReplyIntervalMs 1,000 over 1,000 ms of bombs), and no acknowledgement
    expect(repliesOf(seal, drainTransmit(victim, 1000))).toEqual(['ERROR 3.8']);
    expect(victim.state).toBe('connected');
    // 1,000 × 120 KB inflated would be 120 MB; the inflate goes into one reused 64 KiB scratch
    expect(heapDelta).toBeLessThan(16 * 1024 * 1024);
  });

  it('a single message over maxMessageSize hidden in a compressed datagram is refused with 3.8', () => {
    const { victim, seal } = hostilePeer({ maxMessageSize: 4096 });
    const bomb = deflateRawSync(framesOf([50_000]), { level: 9 });
    expect(bomb.length).toBeLessThan(1200);
    victim.handleDatagram(0, seal.protect({ type: PacketType.DEFAULT, flags: Flag.RELIABLE | Flag.COMPRESSED, sequence: 0, data: bomb }));
    expect(victim.stats).toMatchObject({ malformed: 1, messagesDelivered: 0 });
    expect(drainEvents(victim)).toEqual([]);
    expect(repliesOf(seal, drainTransmit(victim, 100))).toEqual(['ERROR 3.8']);
    // a legitimate compressed datagram of many small messages (total over maxMessageSize) still passes
    const many = deflateRawSync(framesOf(Array.from({ length: 40 }, () => 200)), { level: 9 });
    victim.handleDatagram(200, seal.protect({ type: PacketType.DEFAULT, flags: Flag.RELIABLE | Flag.COMPRESSED, sequence: 1, data: many }));
    expect(drainEvents(victim).filter((e) => e.type === 'message')).toHaveLength(40);
  });
});
