/**
 * encodeForSealing writes sealed-packet layouts by hand for speed; it must produce exactly what
 * the general encoder produces for the same packet with the tag space as data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeForSealing } from '../../lib/protocol/packet-protection.js';
import { Flag, PacketType } from '../../lib/wire/constants.js';
import { encodePacket } from '../../lib/wire/encode.js';
import type { Packet } from '../../lib/wire/packet.js';

const plain = fc.uint8Array({ maxLength: 300 });
const common = { flags: fc.constantFrom(0, Flag.RELIABLE, Flag.RELIABLE | Flag.COMPRESSED), sequence: fc.integer({ min: 0, max: 0xffff }), data: plain };
const packet: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({ type: fc.constant(PacketType.DEFAULT), ...common }),
  fc
    .record({ type: fc.constant(PacketType.DEFAULT), ...common, count: fc.integer({ min: 1, max: 0xffff }), id: fc.nat() })
    .map(({ count, id, ...p }) => ({ ...p, flags: p.flags | Flag.FRAG, fragment: { id: id % count, count } })),
  fc.record({ type: fc.constant(PacketType.ACK), ...common, ackId: fc.integer({ min: 0, max: 0xffff }), ackBits: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({ type: fc.constant(PacketType.HEARTBEAT), flags: fc.constantFrom(0, Flag.RELIABLE), sequence: common.sequence, heartbeat: fc.constantFrom(0 as const, 1 as const), data: plain }),
  fc.record({ type: fc.constant(PacketType.ERROR), flags: fc.constantFrom(0, Flag.RELIABLE), sequence: common.sequence, major: fc.constant(2), minor: fc.integer({ min: 0, max: 2 }), data: plain }),
) as fc.Arbitrary<Packet>;

describe('encodeForSealing', () => {
  it('matches the general encoder, with and without scratch', () => {
    const scratch = new Uint8Array(1024).fill(0xee); // stale bytes must not leak into the tag space
    fc.assert(
      fc.property(packet, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (p, counter) => {
        const withTagSpace = new Uint8Array(p.data.length + 16);
        withTagSpace.set(p.data);
        const expected = encodePacket({ ...p, flags: p.flags | Flag.ENCRYPTED, counter, data: withTagSpace } as Packet);
        expect(encodeForSealing(p, counter)).toEqual(expected);
        expect(Uint8Array.from(encodeForSealing(p, counter, scratch))).toEqual(expected);
      }),
      { seed: 4, numRuns: 500 },
    );
  });
});
