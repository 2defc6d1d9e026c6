/** Where the optional header fields sit for a given type and flag set. */
import { Flag, PacketType, Size } from './constants.js';
import type { Packet } from './packet.js';

export interface OptionalFieldOffsets {
  /** Offset (from the datagram start) of each optional field, -1 when absent. */
  readonly fragment: number;
  readonly counter: number;
  readonly checksum: number;
  /** Where the type-specific fields start. */
  readonly typeFields: number;
}

export function optionalFieldOffsets(flags: number): OptionalFieldOffsets {
  let at = Size.FIXED_HEADER;
  const fragment = flags & Flag.FRAG ? at : -1;
  if (fragment >= 0) at += Size.FRAG;
  const counter = flags & Flag.ENCRYPTED ? at : -1;
  if (counter >= 0) at += Size.COUNTER;
  const checksum = flags & Flag.CHECKSUM ? at : -1;
  if (checksum >= 0) at += Size.CHECKSUM;
  return { fragment, counter, checksum, typeFields: at };
}

/** Bytes of type-specific fields (everything between the common header and the data). */
export function typeFieldsLength(p: Packet): number {
  switch (p.type) {
    case PacketType.DEFAULT:
      return 0;
    case PacketType.ACK:
      return Size.ACK;
    case PacketType.AUTH:
      return Size.AUTH_PREFIX + p.publicKey.length + Size.AUTH_CERT_SIZE + p.certificate.length;
    case PacketType.HEARTBEAT:
      return Size.HEARTBEAT;
    case PacketType.ERROR:
      return Size.ERROR;
  }
}

/**
 * Offset of the data field = length of everything before it. For ENCRYPTED packets these
 * bytes are the AEAD associated data.
 */
export function headerLength(p: Packet): number {
  return optionalFieldOffsets(p.flags).typeFields + typeFieldsLength(p);
}

export function encodedLength(p: Packet): number {
  return headerLength(p) + p.data.length;
}
