/**
 * The transcript hash binds every handshake value both sides must agree on (PROTOCOL.md §7.2.1).
 * Any difference between what the client sent and what the server received (a substituted key
 * share, a swapped certificate, a downgraded AEAD offer) gives different keys and a failed
 * Finished. Variable fields carry a u16 length so no two transcripts share an encoding.
 */
import { createHash } from 'node:crypto';
import { checkLength, concatBytes, u16, u8 } from './bytes.js';
import { HandshakeSize, type AeadChoice } from './constants.js';
import type { HelloFields } from './hello.js';
import type { ServerHelloFields } from './server-hello.js';

export interface Transcript {
  /** From the HELLO that carried the accepted cookie. */
  readonly clientKey: Uint8Array;
  /** Empty when the client sent none. */
  readonly clientCertificate: Uint8Array;
  readonly clientRandom: Uint8Array;
  /** The aead_offer byte as sent, unknown bits included. */
  readonly aeadOffer: number;
  readonly serverKey: Uint8Array;
  readonly serverCertificate: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly aeadChoice: AeadChoice;
}

/**
 * u16 len ‖ client key ‖ u16 len ‖ client certificate ‖ client random (32) ‖ aead_offer (u8)
 * ‖ u16 len ‖ server key ‖ u16 len ‖ server certificate ‖ server random (32) ‖ aead_choice (u8)
 */
export function encodeTranscript(t: Transcript): Uint8Array {
  checkLength('client random', t.clientRandom, HandshakeSize.RANDOM);
  checkLength('server random', t.serverRandom, HandshakeSize.RANDOM);
  return concatBytes(
    u16(t.clientKey.length),
    t.clientKey,
    u16(t.clientCertificate.length),
    t.clientCertificate,
    t.clientRandom,
    u8(t.aeadOffer),
    u16(t.serverKey.length),
    t.serverKey,
    u16(t.serverCertificate.length),
    t.serverCertificate,
    t.serverRandom,
    u8(t.aeadChoice),
  );
}

/** th = SHA-256(encodeTranscript(t)), 32 bytes. */
export function transcriptHash(t: Transcript): Uint8Array {
  return new Uint8Array(createHash('sha256').update(encodeTranscript(t)).digest());
}

/** The transcript from the two parsed (or built) messages, so no field is mapped by hand. */
export function buildTranscript(
  hello: Pick<HelloFields, 'publicKey' | 'certificate' | 'clientRandom' | 'aeadOffer'>,
  serverHello: ServerHelloFields,
): Transcript {
  return {
    clientKey: hello.publicKey,
    clientCertificate: hello.certificate,
    clientRandom: hello.clientRandom,
    aeadOffer: hello.aeadOffer,
    serverKey: serverHello.publicKey,
    serverCertificate: serverHello.certificate,
    serverRandom: serverHello.serverRandom,
    aeadChoice: serverHello.aeadChoice,
  };
}
