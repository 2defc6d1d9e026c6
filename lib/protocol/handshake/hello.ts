/**
 * HELLO (client → server, AUTH kind 0), PROTOCOL.md §7.1.1:
 *   publicKey = client ephemeral X25519 (32), certificate = optional client certificate,
 *   data = client_random (32) ‖ aead_offer (u8) ‖ cookie_len (u8) ‖ cookie ‖ zero padding
 * padded so the whole datagram is at least 1,200 bytes: the server may answer an unvalidated
 * address with no more bytes than it received (anti-amplification, as QUIC).
 */
import { encodedLength, headerLength } from '../../wire/layout.js';
import type { AuthPacket } from '../../wire/packet.js';
import { authPacket, expectAuthKind, type AuthFraming } from './auth-packet.js';
import { checkLength, concatBytes, u8 } from './bytes.js';
import { AuthKind, HandshakeSize } from './constants.js';
import { HandshakeError } from './errors.js';

export interface HelloFields {
  readonly publicKey: Uint8Array;
  /** Empty when the client has no certificate. */
  readonly certificate: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly aeadOffer: number;
  /** Empty on the first HELLO; the RETRY's cookie on the second. */
  readonly cookie: Uint8Array;
}

/** Data bytes for a header of `headerBytes`: the fields, then zeros up to `minDatagram`. */
export function helloDataLength(headerBytes: number, cookieLength: number, minDatagram: number = HandshakeSize.MIN_HELLO_DATAGRAM): number {
  return Math.max(HandshakeSize.HELLO_DATA_FIXED + cookieLength, minDatagram - headerBytes);
}

export function encodeHelloData(
  fields: Pick<HelloFields, 'clientRandom' | 'aeadOffer' | 'cookie'>,
  headerBytes: number,
  minDatagram: number = HandshakeSize.MIN_HELLO_DATAGRAM,
): Uint8Array {
  checkLength('client random', fields.clientRandom, HandshakeSize.RANDOM);
  if (fields.cookie.length > HandshakeSize.MAX_COOKIE) throw new RangeError('cookie exceeds 255 bytes');
  if (!Number.isInteger(fields.aeadOffer) || fields.aeadOffer < 1 || fields.aeadOffer > 0xff) {
    throw new RangeError('aeadOffer must be a non-empty u8 bitmask');
  }
  const data = new Uint8Array(helloDataLength(headerBytes, fields.cookie.length, minDatagram));
  data.set(concatBytes(fields.clientRandom, u8(fields.aeadOffer), u8(fields.cookie.length), fields.cookie));
  return data;
}

/** The padded HELLO packet; `encodePacket` of it is at least `minDatagram` bytes. */
export function buildHello(fields: HelloFields, framing: AuthFraming, minDatagram: number = HandshakeSize.MIN_HELLO_DATAGRAM): AuthPacket {
  checkLength('client key share', fields.publicKey, HandshakeSize.X25519_KEY);
  const bare = authPacket(AuthKind.HELLO, fields.publicKey, fields.certificate, new Uint8Array(0), framing);
  return { ...bare, data: encodeHelloData(fields, headerLength(bare), minDatagram) };
}

function malformed(detail: string): HandshakeError {
  return new HandshakeError('malformed-hello', detail);
}

/**
 * Server side. Checks the datagram size first: a short HELLO must not get any answer, or the
 * server would amplify. Returned fields are copies (the datagram buffer may be reused).
 * The certificate is returned raw; the caller verifies it (certificate.ts).
 */
export function parseHello(packet: AuthPacket, minDatagram: number = HandshakeSize.MIN_HELLO_DATAGRAM): HelloFields {
  expectAuthKind(packet, AuthKind.HELLO, 'malformed-hello');
  const size = encodedLength(packet);
  if (size < minDatagram) throw malformed(`datagram of ${size} bytes is below ${minDatagram}`);
  if (packet.publicKey.length !== HandshakeSize.X25519_KEY) throw malformed(`key share of ${packet.publicKey.length} bytes`);
  const data = packet.data;
  if (data.length < HandshakeSize.HELLO_DATA_FIXED) throw malformed(`data of ${data.length} bytes`);
  const aeadOffer = data[32] as number;
  const cookieLength = data[33] as number;
  const cookieEnd = HandshakeSize.HELLO_DATA_FIXED + cookieLength;
  if (cookieEnd > data.length) throw malformed(`cookie of ${cookieLength} bytes overruns the data`);
  // Padding must be zero: no unauthenticated bytes (it is not in the transcript) may carry meaning.
  for (let i = cookieEnd; i < data.length; i++) if (data[i] !== 0) throw malformed('non-zero padding');
  return {
    publicKey: packet.publicKey.slice(),
    certificate: packet.certificate.slice(),
    clientRandom: data.slice(0, 32),
    aeadOffer,
    cookie: data.slice(HandshakeSize.HELLO_DATA_FIXED, cookieEnd),
  };
}
