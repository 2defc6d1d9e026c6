/**
 * SERVER HELLO (server → client, AUTH kind 2): publicKey = server ephemeral X25519 (32),
 * certificate = server certificate (empty when the server has no identity),
 * data = server_random (32) ‖ aead_choice (u8).
 */
import type { AuthPacket } from '../../wire/packet.js';
import { isAeadChoice, isOffered } from './aead-choice.js';
import { authPacket, expectAuthKind, type AuthFraming } from './auth-packet.js';
import { checkLength, concatBytes, u8 } from './bytes.js';
import { AuthKind, HandshakeSize, type AeadChoice } from './constants.js';
import { HandshakeError } from './errors.js';

export interface ServerHelloFields {
  readonly publicKey: Uint8Array;
  readonly certificate: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly aeadChoice: AeadChoice;
}

export function buildServerHello(fields: ServerHelloFields, framing: AuthFraming): AuthPacket {
  checkLength('server key share', fields.publicKey, HandshakeSize.X25519_KEY);
  checkLength('server random', fields.serverRandom, HandshakeSize.RANDOM);
  if (!isAeadChoice(fields.aeadChoice)) throw new RangeError(`unknown AEAD ${fields.aeadChoice}`);
  const data = concatBytes(fields.serverRandom, u8(fields.aeadChoice));
  return authPacket(AuthKind.SERVER_HELLO, fields.publicKey, fields.certificate, data, framing);
}

/**
 * Client side. `aeadOffer` is what this client offered: a choice outside it is refused (1.0),
 * it can only come from a broken or tampering server. Returned fields are copies.
 */
export function parseServerHello(packet: AuthPacket, aeadOffer: number): ServerHelloFields {
  expectAuthKind(packet, AuthKind.SERVER_HELLO, 'malformed-server-hello');
  if (packet.publicKey.length !== HandshakeSize.X25519_KEY) {
    throw new HandshakeError('malformed-server-hello', `key share of ${packet.publicKey.length} bytes`);
  }
  if (packet.data.length !== HandshakeSize.SERVER_HELLO_DATA) {
    throw new HandshakeError('malformed-server-hello', `data of ${packet.data.length} bytes, expected 33`);
  }
  const choice = packet.data[32] as number;
  if (!isAeadChoice(choice) || !isOffered(aeadOffer, choice)) {
    throw new HandshakeError('aead-not-offered', `server chose AEAD ${choice}, offer was 0x${aeadOffer.toString(16)}`);
  }
  return {
    publicKey: packet.publicKey.slice(),
    certificate: packet.certificate.slice(),
    serverRandom: packet.data.slice(0, 32),
    aeadChoice: choice,
  };
}
