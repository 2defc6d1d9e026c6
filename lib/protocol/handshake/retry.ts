/**
 * RETRY (server → client, AUTH kind 1): empty key share, no certificate, data = cookie. It is
 * the only reply to an unvalidated address and is far smaller than the padded HELLO.
 */
import type { AuthPacket } from '../../wire/packet.js';
import { authPacket, expectAuthKind, type AuthFraming } from './auth-packet.js';
import { AuthKind, HandshakeSize } from './constants.js';
import { HandshakeError } from './errors.js';

export function buildRetry(cookie: Uint8Array, framing: AuthFraming): AuthPacket {
  if (cookie.length < 1 || cookie.length > HandshakeSize.MAX_COOKIE) throw new RangeError('cookie must be 1..255 bytes');
  return authPacket(AuthKind.RETRY, new Uint8Array(0), new Uint8Array(0), cookie, framing);
}

/** Client side: the cookie to echo in the next HELLO (a copy). The cookie itself is opaque. */
export function parseRetry(packet: AuthPacket): Uint8Array {
  expectAuthKind(packet, AuthKind.RETRY, 'malformed-retry');
  if (packet.publicKey.length !== 0 || packet.certificate.length !== 0) {
    throw new HandshakeError('malformed-retry', 'RETRY carries a key share or certificate');
  }
  if (packet.data.length < 1 || packet.data.length > HandshakeSize.MAX_COOKIE) {
    throw new HandshakeError('malformed-retry', `cookie of ${packet.data.length} bytes`);
  }
  return packet.data.slice();
}
