/**
 * Typed packet -> bytes. The encoder trusts nothing about its input shape: a field out of
 * range or flags that disagree with the fields are caller bugs and throw RangeError.
 */
import { primitives } from '../native.js';
import type { Crc32 } from '../primitives/types.js';
import {
  ALLOWED_FLAGS,
  Flag,
  MAX_COUNTER,
  MAX_DATAGRAM,
  MAX_FRAGMENTS,
  PacketType,
  RESERVED_FLAG_BITS,
  Size,
  WIRE_VERSION,
} from './constants.js';
import { datagramChecksum } from './checksum.js';
import { lookupErrorCode } from './errors.js';
import { encodedLength, optionalFieldOffsets } from './layout.js';
import type { Packet } from './packet.js';

function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer 0..${max}, got ${value}`);
  }
}

function checkFlags(p: Packet): void {
  checkUint('flags', p.flags, 0xff);
  if (p.flags & RESERVED_FLAG_BITS) throw new RangeError('reserved flag bits must be zero');
  const extra = p.flags & ~ALLOWED_FLAGS[p.type];
  if (extra) throw new RangeError(`flags 0x${extra.toString(16)} not allowed on type ${p.type}`);
  if (Boolean(p.flags & Flag.FRAG) !== (p.fragment !== undefined)) {
    throw new RangeError('FRAG flag and fragment field must be set together');
  }
  if (Boolean(p.flags & Flag.ENCRYPTED) !== (p.counter !== undefined)) {
    throw new RangeError('ENCRYPTED flag and counter field must be set together');
  }
}

function checkFields(p: Packet): void {
  checkUint('sequence', p.sequence, 0xffff);
  if (p.fragment !== undefined) {
    checkUint('fragment.count', p.fragment.count, MAX_FRAGMENTS);
    if (p.fragment.count === 0) throw new RangeError('fragment.count must be at least 1');
    checkUint('fragment.id', p.fragment.id, p.fragment.count - 1);
  }
  if (p.counter !== undefined) checkUint('counter', p.counter, MAX_COUNTER);
  if (p.flags & Flag.ENCRYPTED && p.data.length < Size.AEAD_TAG) {
    throw new RangeError('ENCRYPTED data must hold at least the 16-byte tag');
  }
  switch (p.type) {
    case PacketType.ACK:
      checkUint('ackId', p.ackId, 0xffff);
      checkUint('ackBits', p.ackBits, 0xffffffff);
      break;
    case PacketType.AUTH:
      checkUint('authKind', p.authKind, 0xff);
      checkUint('publicKey length', p.publicKey.length, 0xff);
      checkUint('certificate length', p.certificate.length, 0xffff);
      break;
    case PacketType.HEARTBEAT:
      checkUint('heartbeat', p.heartbeat, 1);
      break;
    case PacketType.ERROR:
      if (lookupErrorCode(p.major, p.minor) === undefined) {
        throw new RangeError(`unknown error code ${p.major}.${p.minor}`);
      }
      break;
    case PacketType.DEFAULT:
      break;
  }
}

function writeTypeFields(p: Packet, buf: Uint8Array, view: DataView, at: number): number {
  switch (p.type) {
    case PacketType.DEFAULT:
      return at;
    case PacketType.ACK:
      view.setUint16(at, p.ackId);
      view.setUint32(at + 2, p.ackBits);
      return at + Size.ACK;
    case PacketType.AUTH:
      buf[at] = p.authKind;
      buf[at + 1] = p.publicKey.length;
      buf.set(p.publicKey, at + 2);
      at += Size.AUTH_PREFIX + p.publicKey.length;
      view.setUint16(at, p.certificate.length);
      buf.set(p.certificate, at + 2);
      return at + Size.AUTH_CERT_SIZE + p.certificate.length;
    case PacketType.HEARTBEAT:
      buf[at] = p.heartbeat;
      return at + 1;
    case PacketType.ERROR:
      buf[at] = (p.major << 4) | p.minor;
      return at + 1;
  }
}

/**
 * Writes `p` at buf[offset…] and returns the bytes written. With CHECKSUM set, the CRC is
 * computed over the finished bytes, so `data` must already be in its final (sealed) form.
 */
export function encodeInto(p: Packet, buf: Uint8Array, offset = 0, crc: Crc32 = primitives): number {
  checkFlags(p);
  checkFields(p);
  const length = encodedLength(p);
  if (length > MAX_DATAGRAM) throw new RangeError(`packet of ${length} bytes exceeds ${MAX_DATAGRAM}`);
  if (offset < 0 || offset + length > buf.length) {
    throw new RangeError(`buffer too small: need ${length} bytes at offset ${offset}`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset + offset, length);
  const out = buf.subarray(offset, offset + length);
  out[0] = (WIRE_VERSION << 4) | p.type;
  out[1] = p.flags;
  view.setUint16(2, p.sequence);
  const fields = optionalFieldOffsets(p.flags);
  if (p.fragment !== undefined) {
    view.setUint16(fields.fragment, p.fragment.id);
    view.setUint16(fields.fragment + 2, p.fragment.count);
  }
  if (p.counter !== undefined) {
    view.setUint32(fields.counter, Math.floor(p.counter / 0x1_0000_0000));
    view.setUint32(fields.counter + 4, p.counter >>> 0);
  }
  const dataOffset = writeTypeFields(p, out, view, fields.typeFields);
  out.set(p.data, dataOffset);
  if (fields.checksum >= 0) {
    view.setUint32(fields.checksum, datagramChecksum(crc, out, 0, length, fields.checksum));
  }
  return length;
}

export function encodePacket(p: Packet, crc: Crc32 = primitives): Uint8Array {
  const out = new Uint8Array(encodedLength(p));
  encodeInto(p, out, 0, crc);
  return out;
}
