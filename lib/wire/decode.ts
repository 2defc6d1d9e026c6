/**
 * Bytes -> typed packet. Untrusted input: every length is checked before it is read, and the
 * only exception that can leave is WireError carrying the seed's error code. The returned
 * `data`, `publicKey` and `certificate` are views into `bytes` (no copy).
 */
import { primitives } from '../native.js';
import type { Crc32 } from '../primitives/types.js';
import {
  ALLOWED_FLAGS,
  Flag,
  MAX_COUNTER,
  MAX_DATAGRAM,
  PacketType,
  RESERVED_FLAG_BITS,
  Size,
  WIRE_VERSION,
  type Heartbeat,
} from './constants.js';
import { datagramChecksum } from './checksum.js';
import { ErrorCode, WireError, lookupErrorCode, type ErrorCodeInfo } from './errors.js';
import { optionalFieldOffsets } from './layout.js';
import type { FragmentField, Packet } from './packet.js';

function need(bytes: Uint8Array, end: number, code: ErrorCodeInfo, what: string): void {
  if (end > bytes.length) {
    throw new WireError(code, `truncated ${what}: need ${end} bytes, have ${bytes.length}`);
  }
}

function readFixedHeader(bytes: Uint8Array): { type: PacketType; flags: number; sequence: number } {
  if (bytes.length > MAX_DATAGRAM) {
    throw new WireError(ErrorCode.PACKET, `datagram of ${bytes.length} bytes exceeds ${MAX_DATAGRAM}`);
  }
  need(bytes, Size.FIXED_HEADER, ErrorCode.PACKET, 'header');
  const b0 = bytes[0] as number;
  const flags = bytes[1] as number;
  const version = b0 >> 4;
  const type = b0 & 0x0f;
  if (version !== WIRE_VERSION) {
    throw new WireError(ErrorCode.VERSION, `version ${version}, expected ${WIRE_VERSION}`);
  }
  if (type > PacketType.ERROR) throw new WireError(ErrorCode.PACKET_TYPE, `type ${type} is reserved`);
  const packetType = type as PacketType;
  if (flags & RESERVED_FLAG_BITS) {
    throw new WireError(ErrorCode.FLAGS, `reserved flag bits set (0x${flags.toString(16)})`);
  }
  const extra = flags & ~ALLOWED_FLAGS[packetType];
  if (extra) {
    throw new WireError(ErrorCode.FLAGS, `flags 0x${extra.toString(16)} not allowed on type ${type}`);
  }
  return { type: packetType, flags, sequence: ((bytes[2] as number) << 8) | (bytes[3] as number) };
}

function readFragment(bytes: Uint8Array, view: DataView, at: number): FragmentField {
  need(bytes, at + Size.FRAG, ErrorCode.FRAGMENT_ID, 'fragment field');
  const id = view.getUint16(at);
  const count = view.getUint16(at + 2);
  if (count === 0) throw new WireError(ErrorCode.FRAGMENT_NUMBER, 'fragment number is 0');
  if (id >= count) {
    throw new WireError(ErrorCode.FRAGMENT_ID, `fragment id ${id} not below fragment number ${count}`);
  }
  return { id, count };
}

function readCounter(bytes: Uint8Array, view: DataView, at: number): number {
  need(bytes, at + Size.COUNTER, ErrorCode.INIT_VECTOR, 'packet counter');
  const high = view.getUint32(at);
  const counter = high * 0x1_0000_0000 + view.getUint32(at + 4);
  if (counter > MAX_COUNTER) throw new WireError(ErrorCode.INIT_VECTOR, 'packet counter beyond 2^53-1');
  return counter;
}

function verifyChecksum(bytes: Uint8Array, view: DataView, at: number, crc: Crc32): void {
  need(bytes, at + Size.CHECKSUM, ErrorCode.CHECKSUM, 'checksum field');
  const expected = view.getUint32(at);
  const actual = datagramChecksum(crc, bytes, 0, bytes.length, at);
  if (expected !== actual) {
    throw new WireError(
      ErrorCode.CHECKSUM,
      `checksum 0x${expected.toString(16)} does not match 0x${actual.toString(16)}`,
    );
  }
}

interface Common {
  flags: number;
  sequence: number;
  fragment?: FragmentField;
  counter?: number;
}

function withData(common: Common, bytes: Uint8Array, dataOffset: number): Common & { data: Uint8Array } {
  const data = bytes.subarray(dataOffset);
  if (common.flags & Flag.ENCRYPTED && data.length < Size.AEAD_TAG) {
    throw new WireError(ErrorCode.INIT_VECTOR, `sealed data of ${data.length} bytes is shorter than its tag`);
  }
  return { ...common, data };
}

function readTypeFields(type: PacketType, common: Common, bytes: Uint8Array, view: DataView, at: number): Packet {
  switch (type) {
    case PacketType.DEFAULT:
      return { type, ...withData(common, bytes, at) };
    case PacketType.ACK: {
      need(bytes, at + Size.ACK, ErrorCode.PACKET, 'ACK fields');
      const ackId = view.getUint16(at);
      const ackBits = view.getUint32(at + 2);
      return { type, ackId, ackBits, ...withData(common, bytes, at + Size.ACK) };
    }
    case PacketType.AUTH:
      return readAuth(common, bytes, view, at);
    case PacketType.HEARTBEAT: {
      need(bytes, at + Size.HEARTBEAT, ErrorCode.PACKET, 'HEARTBEAT field');
      const heartbeat = bytes[at] as number;
      if (heartbeat > 1) throw new WireError(ErrorCode.PACKET, `heartbeat value ${heartbeat} is not PING or PONG`);
      return { type, heartbeat: heartbeat as Heartbeat, ...withData(common, bytes, at + 1) };
    }
    case PacketType.ERROR: {
      need(bytes, at + Size.ERROR, ErrorCode.PACKET, 'ERROR code');
      const major = (bytes[at] as number) >> 4;
      const minor = (bytes[at] as number) & 0x0f;
      if (lookupErrorCode(major, minor) === undefined) {
        throw new WireError(ErrorCode.PACKET, `error code ${major}.${minor} is reserved`);
      }
      return { type, major, minor, ...withData(common, bytes, at + 1) };
    }
  }
}

function readAuth(common: Common, bytes: Uint8Array, view: DataView, at: number): Packet {
  need(bytes, at + Size.AUTH_PREFIX, ErrorCode.PACKET, 'AUTH fields');
  const authKind = bytes[at] as number;
  const keySize = bytes[at + 1] as number;
  const keyStart = at + Size.AUTH_PREFIX;
  need(bytes, keyStart + keySize + Size.AUTH_CERT_SIZE, ErrorCode.PACKET, 'AUTH public key');
  const certSize = view.getUint16(keyStart + keySize);
  const certStart = keyStart + keySize + Size.AUTH_CERT_SIZE;
  need(bytes, certStart + certSize, ErrorCode.PACKET, 'AUTH certificate');
  return {
    type: PacketType.AUTH,
    authKind,
    publicKey: bytes.subarray(keyStart, keyStart + keySize),
    certificate: bytes.subarray(certStart, certStart + certSize),
    ...withData(common, bytes, certStart + certSize),
  };
}

export interface DecodeOptions {
  /** CRC-32 implementation for CHECKSUM packets (default: the live backend). */
  readonly crc?: Crc32;
}

export function decodePacket(bytes: Uint8Array, options: DecodeOptions = {}): Packet {
  if (!(bytes instanceof Uint8Array)) throw new WireError(ErrorCode.PACKET, 'input is not a byte array');
  const { type, flags, sequence } = readFixedHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const fields = optionalFieldOffsets(flags);
  const common: Common = { flags, sequence };
  if (fields.fragment >= 0) common.fragment = readFragment(bytes, view, fields.fragment);
  if (fields.counter >= 0) common.counter = readCounter(bytes, view, fields.counter);
  if (fields.checksum >= 0) verifyChecksum(bytes, view, fields.checksum, options.crc ?? primitives);
  return readTypeFields(type, common, bytes, view, fields.typeFields);
}
