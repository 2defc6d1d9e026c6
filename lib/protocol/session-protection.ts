/**
 * Shared pieces of the endpoint's two handshake state machines (client-handshake.ts and
 * server-handshake.ts): how handshake datagrams are framed, the unencrypted-mode offer bit, and
 * the packet protection a finished handshake hands to its Connection.
 */
import { primitives } from '../native.js';
import type { Aead } from '../primitives/types.js';
import { Flag, PacketType } from '../wire/constants.js';
import { encodePacket } from '../wire/encode.js';
import type { ErrorCodeInfo } from '../wire/errors.js';
import { primitiveAeadName, type SessionKeys } from './handshake/index.js';
import { AeadProtection, ChecksumProtection, type PacketProtection } from './packet-protection.js';

/**
 * Reserved bit 7 of the HELLO's aead_offer: "the client asks for the unencrypted LAN/debug
 * mode". The AEAD bits are still set, keys are still derived and both Finished values are still
 * checked (so a password or certificate still authenticates the peers); only the packet
 * protection after the handshake becomes a CRC-32 checksum. The offer byte is in the transcript,
 * so a relay that sets or clears the bit breaks Finished (1.3). A server that did not opt in
 * refuses the request with 1.0 CONNECTION, so a completed handshake means both sides opted in.
 */
export const UNENCRYPTED_OFFER_BIT = 0x80;

/** Flags of every handshake datagram: CHECKSUM, so a corrupted one is dropped rather than failing Finished. */
export const HANDSHAKE_FLAGS = Flag.CHECKSUM;

const encoder = new TextEncoder();

/** An unsealed ERROR datagram (handshake failures, 1.1 NO SPACE); detail capped to keep it small. */
export function handshakeErrorDatagram(code: ErrorCodeInfo, detail: string): Uint8Array {
  return encodePacket({
    type: PacketType.ERROR,
    flags: HANDSHAKE_FLAGS,
    sequence: 0,
    major: code.major,
    minor: code.minor,
    data: encoder.encode(detail.slice(0, 64)),
  });
}

/** The AEAD primitive of a negotiated choice. */
export function aeadFor(keys: SessionKeys): Aead {
  return primitives[primitiveAeadName(keys.aead)];
}

/** Protection for the Connection created once the handshake completes. */
export function sessionProtection(keys: SessionKeys, unencrypted: boolean): PacketProtection {
  return unencrypted ? new ChecksumProtection() : new AeadProtection(aeadFor(keys), keys.send, keys.receive);
}
