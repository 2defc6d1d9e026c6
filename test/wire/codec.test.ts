import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsPrimitives, nativeLoad } from '../../lib/native.js';
import {
  decodePacket,
  encodePacket,
  ErrorCode,
  Flag,
  PacketType,
  WireError,
  headerLength,
  type Packet,
} from '../../lib/wire/index.js';
import { packetArbitrary } from './arbitraries.js';

function wireErrorOf(bytes: Uint8Array): WireError {
  try {
    decodePacket(bytes);
  } catch (err) {
    if (err instanceof WireError) return err;
    throw err;
  }
  throw new Error('decoded without error');
}

const plain = (p: Partial<Packet> & Pick<Packet, 'type'>): Packet =>
  ({ flags: 0, sequence: 7, data: new Uint8Array(), ...p }) as Packet;

describe('decoder rejects malformed datagrams with the seed error codes', () => {
  it('3.0 PACKET for a datagram shorter than the fixed header', () => {
    expect(wireErrorOf(Uint8Array.of(0x10, 0x00, 0x01)).code).toBe('3.0');
    expect(wireErrorOf(new Uint8Array()).code).toBe('3.0');
  });

  it('3.0 PACKET for a datagram larger than any UDP payload', () => {
    const big = new Uint8Array(65_508);
    big[0] = 0x10;
    expect(wireErrorOf(big).code).toBe('3.0');
  });

  it('3.1 VERSION for any version but ours', () => {
    for (const v of [0, 2, 15]) expect(wireErrorOf(Uint8Array.of(v << 4, 0, 0, 0)).code).toBe('3.1');
  });

  it('3.2 PACKET TYPE for reserved types 5..15', () => {
    for (let t = 5; t < 16; t++) expect(wireErrorOf(Uint8Array.of(0x10 | t, 0, 0, 0)).code).toBe('3.2');
  });

  it('3.3 FLAGS for reserved bits and for flags a type may not carry', () => {
    for (const bit of [0x01, 0x02, 0x04]) expect(wireErrorOf(Uint8Array.of(0x10, bit, 0, 0)).code).toBe('3.3');
    // FRAG on an ACK, COMPRESSED on a HEARTBEAT
    expect(wireErrorOf(Uint8Array.of(0x11, Flag.FRAG, 0, 0)).code).toBe('3.3');
    expect(wireErrorOf(Uint8Array.of(0x13, Flag.COMPRESSED, 0, 0)).code).toBe('3.3');
  });

  it('3.5 / 3.6 for truncated or inconsistent fragment fields', () => {
    expect(wireErrorOf(Uint8Array.of(0x10, Flag.FRAG, 0, 0, 0, 1)).code).toBe('3.5');
    expect(wireErrorOf(Uint8Array.of(0x10, Flag.FRAG, 0, 0, 0, 0, 0, 0)).code).toBe('3.6');
    expect(wireErrorOf(Uint8Array.of(0x10, Flag.FRAG, 0, 0, 0, 3, 0, 3)).code).toBe('3.5');
  });

  it('3.7 for a truncated counter, an out-of-range counter or sealed data shorter than its tag', () => {
    expect(wireErrorOf(Uint8Array.of(0x10, Flag.ENCRYPTED, 0, 0, 0, 0, 0)).code).toBe('3.7');
    const huge = Uint8Array.of(0x10, Flag.ENCRYPTED, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...new Uint8Array(16));
    expect(wireErrorOf(huge).code).toBe('3.7');
    const short = Uint8Array.of(0x10, Flag.ENCRYPTED, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, ...new Uint8Array(15));
    expect(wireErrorOf(short).code).toBe('3.7');
  });

  it('3.9 CHECKSUM for a truncated field and for any flipped bit in a checksummed packet', () => {
    expect(wireErrorOf(Uint8Array.of(0x10, Flag.CHECKSUM, 0, 0, 1, 2)).code).toBe('3.9');
    const good = encodePacket(plain({ type: PacketType.DEFAULT, flags: Flag.CHECKSUM, data: Uint8Array.of(1, 2, 3) }));
    // every bit outside the version/type/flags bytes (which fail earlier checks first)
    for (let bit = 16; bit < good.length * 8; bit++) {
      const bad = good.slice();
      bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(wireErrorOf(bad).code).toBe('3.9');
    }
  });

  it('3.0 PACKET for truncated type fields and reserved values', () => {
    expect(wireErrorOf(Uint8Array.of(0x11, 0, 0, 0, 0, 1, 0)).code).toBe('3.0'); // ACK fields cut
    expect(wireErrorOf(Uint8Array.of(0x12, 0, 0, 0, 0)).code).toBe('3.0'); // AUTH prefix cut
    expect(wireErrorOf(Uint8Array.of(0x12, 0, 0, 0, 0, 4, 1, 2)).code).toBe('3.0'); // key cut
    expect(wireErrorOf(Uint8Array.of(0x12, 0, 0, 0, 0, 1, 9, 0, 5, 1)).code).toBe('3.0'); // cert cut
    expect(wireErrorOf(Uint8Array.of(0x13, 0, 0, 0, 2)).code).toBe('3.0'); // heartbeat 2
    expect(wireErrorOf(Uint8Array.of(0x13, 0, 0, 0)).code).toBe('3.0'); // heartbeat missing
    expect(wireErrorOf(Uint8Array.of(0x14, 0, 0, 0, 0x40)).code).toBe('3.0'); // major 4 reserved
    expect(wireErrorOf(Uint8Array.of(0x14, 0, 0, 0, 0x1f)).code).toBe('3.0'); // 1.15 unknown
  });
});

describe('encoder rejects packets it cannot represent', () => {
  it('throws RangeError for flags that disagree with fields or out-of-range values', () => {
    expect(() => encodePacket(plain({ type: PacketType.DEFAULT, flags: Flag.FRAG }))).toThrow(RangeError);
    expect(() => encodePacket(plain({ type: PacketType.DEFAULT, counter: 1 }))).toThrow(RangeError);
    expect(() => encodePacket(plain({ type: PacketType.ACK, flags: Flag.FRAG, fragment: { id: 0, count: 1 }, ackId: 0, ackBits: 0 } as Partial<Packet> & { type: 1 }))).toThrow(RangeError);
    expect(() => encodePacket(plain({ type: PacketType.DEFAULT, sequence: 65_536 }))).toThrow(RangeError);
    expect(() => encodePacket(plain({ type: PacketType.DEFAULT, flags: Flag.ENCRYPTED, counter: 0, data: new Uint8Array(15) }))).toThrow(RangeError);
    expect(() => encodePacket(plain({ type: PacketType.ERROR, major: 4, minor: 0 } as Partial<Packet> & { type: 4 }))).toThrow(RangeError);
    expect(() => encodePacket(plain({ type: PacketType.DEFAULT, data: new Uint8Array(65_504) }))).toThrow(RangeError);
  });
});

describe('codec round trip', () => {
  it('decode(encode(p)) equals p for random packets of every type and flag set', () => {
    fc.assert(
      fc.property(packetArbitrary, (p) => {
        const bytes = encodePacket(p);
        expect(bytes.length - p.data.length).toBe(headerLength(p));
        expect(decodePacket(bytes)).toEqual(p);
      }),
      { numRuns: 3000, seed: 0x5eed },
    );
  });

  it('checksums are identical whichever backend computes them', () => {
    const native = nativeLoad.primitives;
    fc.assert(
      fc.property(packetArbitrary, (p) => {
        const withCrc = { ...p, flags: p.flags | Flag.CHECKSUM } as Packet;
        const a = encodePacket(withCrc, jsPrimitives);
        if (native !== null) expect(encodePacket(withCrc, native)).toEqual(a);
        expect(decodePacket(a, { crc: jsPrimitives })).toEqual(withCrc);
      }),
      { numRuns: 500, seed: 42 },
    );
  });

  it('random bytes never throw anything but WireError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(0x10, 0x11, 0x12, 0x13, 0x14), (raw, head) => {
        const bytes = raw.length > 0 ? Uint8Array.from([head, ...raw.subarray(1)]) : raw;
        try {
          decodePacket(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(WireError);
        }
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });

  it('mutated valid packets never throw anything but WireError', () => {
    fc.assert(
      fc.property(packetArbitrary, fc.array(fc.nat()), fc.nat(), (p, flips, cut) => {
        const bytes = encodePacket(p);
        for (const f of flips) {
          const i = f % bytes.length;
          bytes[i] = (bytes[i] as number) ^ (1 << (f % 8));
        }
        try {
          decodePacket(bytes.subarray(0, bytes.length - (cut % (bytes.length + 1))));
        } catch (err) {
          expect(err).toBeInstanceOf(WireError);
        }
      }),
      { numRuns: 5000, seed: 99 },
    );
  });

  it('catalogue names match the seed table', () => {
    expect(ErrorCode.NO_SPACE).toMatchObject({ major: 1, minor: 1, name: 'NO SPACE' });
    expect(ErrorCode.CLIENT_DISCONNECT).toMatchObject({ major: 2, minor: 2 });
    expect(ErrorCode.CHECKSUM).toMatchObject({ major: 3, minor: 9 });
    expect(Object.keys(ErrorCode)).toHaveLength(17);
  });
});
