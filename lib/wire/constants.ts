/**
 * Wire enums, flag bits and field sizes in one place (seed 001 §9.4, with the deviations
 * recorded in docs/PROTOCOL.md). All multi-byte fields are big-endian.
 */

/** Our wire version. The seed's implementation used 0; ours is incompatible, hence 1. */
export const WIRE_VERSION = 1;

export const PacketType = {
  DEFAULT: 0,
  ACK: 1,
  AUTH: 2,
  HEARTBEAT: 3,
  ERROR: 4,
} as const;
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/** Flag bits, most significant first in the seed's order. */
export const Flag = {
  RELIABLE: 0x80,
  CHECKSUM: 0x40,
  COMPRESSED: 0x20,
  ENCRYPTED: 0x10,
  FRAG: 0x08,
} as const;
export type Flag = (typeof Flag)[keyof typeof Flag];

/** Bits 5..7 are reserved and must be zero. */
export const RESERVED_FLAG_BITS = 0x07;

/** Which flags each packet type may carry; anything else is error 3.3. */
export const ALLOWED_FLAGS: Readonly<Record<PacketType, number>> = {
  [PacketType.DEFAULT]: Flag.RELIABLE | Flag.CHECKSUM | Flag.COMPRESSED | Flag.ENCRYPTED | Flag.FRAG,
  [PacketType.ACK]: Flag.RELIABLE | Flag.CHECKSUM | Flag.COMPRESSED | Flag.ENCRYPTED,
  [PacketType.AUTH]: Flag.RELIABLE | Flag.CHECKSUM | Flag.ENCRYPTED,
  [PacketType.HEARTBEAT]: Flag.RELIABLE | Flag.CHECKSUM | Flag.ENCRYPTED,
  [PacketType.ERROR]: Flag.RELIABLE | Flag.CHECKSUM | Flag.ENCRYPTED,
};

export const Heartbeat = { PING: 0, PONG: 1 } as const;
export type Heartbeat = (typeof Heartbeat)[keyof typeof Heartbeat];

/** Field sizes in bytes. */
export const Size = {
  /** version/type byte, flags byte, 16-bit sequence id */
  FIXED_HEADER: 4,
  /** fragment id u16 + fragment number u16 */
  FRAG: 4,
  /** 64-bit packet counter (the AEAD nonce source) */
  COUNTER: 8,
  CHECKSUM: 4,
  /** ack id u16 + ack bits u32 */
  ACK: 6,
  /** auth kind u8 + public key size u8 (the key and certificate follow) */
  AUTH_PREFIX: 2,
  AUTH_CERT_SIZE: 2,
  HEARTBEAT: 1,
  ERROR: 1,
  AEAD_TAG: 16,
} as const;

/** Largest UDP payload over IPv4; nothing larger can arrive or be sent. */
export const MAX_DATAGRAM = 65_507;
/** Fragment id and number are 16-bit: at most 65,535 fragments per message. */
export const MAX_FRAGMENTS = 0xffff;
/** ack bits cover the 32 sequence ids before the ack id. */
export const ACK_BITS = 32;
/** The packet counter must stay a safe integer; a connection is closed long before. */
export const MAX_COUNTER = Number.MAX_SAFE_INTEGER;
