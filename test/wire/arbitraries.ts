/** fast-check generators for every packet variant, honouring each type's allowed flags. */
import fc from 'fast-check';
import { ALLOWED_FLAGS, ErrorCode, Flag, PacketType, type Packet } from '../../lib/wire/index.js';

const u16 = fc.integer({ min: 0, max: 0xffff });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });

const fragmentField = fc
  .integer({ min: 1, max: 0xffff })
  .chain((count) => fc.record({ id: fc.integer({ min: 0, max: count - 1 }), count: fc.constant(count) }));

const counter = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.maxSafeInteger().filter((n) => n >= 0),
);

const errorCodes = Object.values(ErrorCode);

function typeFields(type: PacketType): fc.Arbitrary<Record<string, unknown>> {
  switch (type) {
    case PacketType.DEFAULT:
      return fc.constant({});
    case PacketType.ACK:
      return fc.record({ ackId: u16, ackBits: fc.integer({ min: 0, max: 0xffffffff }) });
    case PacketType.AUTH:
      return fc.record({
        authKind: fc.integer({ min: 0, max: 255 }),
        publicKey: fc.uint8Array({ maxLength: 255 }),
        certificate: bytes(300),
      });
    case PacketType.HEARTBEAT:
      return fc.record({ heartbeat: fc.constantFrom(0, 1) });
    case PacketType.ERROR:
      return fc.constantFrom(...errorCodes).map((c) => ({ major: c.major, minor: c.minor }));
  }
}

export const packetArbitrary: fc.Arbitrary<Packet> = fc
  .constantFrom(...Object.values(PacketType))
  .chain((type) =>
    fc.record({
      type: fc.constant(type),
      flagBits: fc.subarray([Flag.RELIABLE, Flag.CHECKSUM, Flag.COMPRESSED, Flag.ENCRYPTED, Flag.FRAG]),
      sequence: u16,
      fragment: fragmentField,
      counter,
      fields: typeFields(type),
      data: bytes(600),
      tag: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    }),
  )
  .map(({ type, flagBits, sequence, fragment, counter, fields, data, tag }) => {
    const flags = flagBits.reduce((acc, f) => acc | f, 0) & ALLOWED_FLAGS[type];
    const sealed = flags & Flag.ENCRYPTED ? Uint8Array.from([...data, ...tag]) : data;
    return {
      type,
      flags,
      sequence,
      ...(flags & Flag.FRAG ? { fragment } : {}),
      ...(flags & Flag.ENCRYPTED ? { counter } : {}),
      ...fields,
      data: sealed,
    } as Packet;
  });
