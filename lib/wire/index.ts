export {
  WIRE_VERSION,
  PacketType,
  Flag,
  Heartbeat,
  Size,
  MAX_DATAGRAM,
  MAX_FRAGMENTS,
  MAX_COUNTER,
  ACK_BITS,
  ALLOWED_FLAGS,
} from './constants.js';
export { ErrorCode, WireError, lookupErrorCode, formatErrorCode } from './errors.js';
export type { ErrorCodeInfo, ErrorCodeName } from './errors.js';
export type { Packet, DefaultPacket, AckPacket, AuthPacket, HeartbeatPacket, ErrorPacket, FragmentField } from './packet.js';
export { encodeInto, encodePacket } from './encode.js';
export { decodePacket } from './decode.js';
export type { DecodeOptions } from './decode.js';
export { encodedLength, headerLength, optionalFieldOffsets } from './layout.js';
export { datagramChecksum } from './checksum.js';
export { compressData, decompressData } from './compression.js';
