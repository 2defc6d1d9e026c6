/**
 * Typed packets: one variant per seed packet type. `data` is the wire data field exactly as
 * sent (still compressed and/or sealed when those flags are set); decoders return it as a
 * zero-copy view into the datagram.
 */
import type { Heartbeat, PacketType } from './constants.js';

export interface FragmentField {
  /** Position of this fragment, 0-based, < count. */
  readonly id: number;
  /** Total fragments of the message, 1..65535. */
  readonly count: number;
}

interface PacketCommon {
  /** Flag bits (see `Flag`); FRAG and ENCRYPTED must match the presence of their fields. */
  readonly flags: number;
  /** 16-bit sequence id. */
  readonly sequence: number;
  /** Present iff FRAG is set. */
  readonly fragment?: FragmentField;
  /** 64-bit packet counter (a safe integer), present iff ENCRYPTED is set. */
  readonly counter?: number;
  readonly data: Uint8Array;
}

export interface DefaultPacket extends PacketCommon {
  readonly type: typeof PacketType.DEFAULT;
}

export interface AckPacket extends PacketCommon {
  readonly type: typeof PacketType.ACK;
  /** Sequence id being acknowledged. */
  readonly ackId: number;
  /** Bit i (LSB = 0) set: sequence id ackId - 1 - i was received too. */
  readonly ackBits: number;
}

export interface AuthPacket extends PacketCommon {
  readonly type: typeof PacketType.AUTH;
  /** Handshake step (the seed's reserved byte); values in docs/PROTOCOL.md. */
  readonly authKind: number;
  /** 0..255 bytes (a RETRY carries none). */
  readonly publicKey: Uint8Array;
  /** 0..65535 bytes; empty when no certificate is sent. */
  readonly certificate: Uint8Array;
}

export interface HeartbeatPacket extends PacketCommon {
  readonly type: typeof PacketType.HEARTBEAT;
  readonly heartbeat: Heartbeat;
}

export interface ErrorPacket extends PacketCommon {
  readonly type: typeof PacketType.ERROR;
  readonly major: number;
  readonly minor: number;
}

export type Packet = DefaultPacket | AckPacket | AuthPacket | HeartbeatPacket | ErrorPacket;
