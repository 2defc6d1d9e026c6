/** Shared plumbing of the three AUTH messages: building the packet and checking its kind. */
import { Flag, PacketType } from '../../wire/constants.js';
import type { AuthPacket } from '../../wire/packet.js';
import type { AuthKind } from './constants.js';
import { HandshakeError, type HandshakeFailure } from './errors.js';

/** Header fields the state machine owns. AUTH packets are never sealed, so no ENCRYPTED. */
export interface AuthFraming {
  readonly sequence: number;
  /** RELIABLE and/or CHECKSUM; default 0. */
  readonly flags?: number;
}

export function authPacket(
  authKind: AuthKind,
  publicKey: Uint8Array,
  certificate: Uint8Array,
  data: Uint8Array,
  framing: AuthFraming,
): AuthPacket {
  const flags = framing.flags ?? 0;
  if (flags & Flag.ENCRYPTED) throw new RangeError('handshake AUTH packets are not sealed');
  return { type: PacketType.AUTH, flags, sequence: framing.sequence, authKind, publicKey, certificate, data };
}

/** Throws `reason` unless the packet is an unsealed AUTH of `kind`. */
export function expectAuthKind(packet: AuthPacket, kind: AuthKind, reason: HandshakeFailure): void {
  if (packet.type !== PacketType.AUTH || packet.authKind !== kind) {
    throw new HandshakeError(reason, `expected AUTH kind ${kind}, got ${packet.authKind}`);
  }
  if (packet.flags & Flag.ENCRYPTED) throw new HandshakeError(reason, 'handshake AUTH packets are not sealed');
}
