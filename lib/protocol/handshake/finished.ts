/**
 * Finished and CertificateVerify (PROTOCOL.md §7.2.4), carried in the data of an ACK packet:
 *
 *   data = finished (32) ‖ certificate_verify (64, only when the sender sent a certificate)
 *   finished = HMAC-SHA256(sender's finished key, th)
 *   certificate_verify = Ed25519(certificate key, "paperclip v1 certificate verify " ‖ th ‖ role)
 *
 * Finished proves the sender derived the same keys (same key shares, same password, same
 * transcript). CertificateVerify proves it holds the certificate's private key: a certificate is
 * public (it crosses the wire in clear), so without this anyone could replay one.
 */
import { createHmac } from 'node:crypto';
import { PacketType } from '../../wire/constants.js';
import type { AckPacket } from '../../wire/packet.js';
import { checkLength, concatBytes, equalConstantTime, u8, utf8 } from './bytes.js';
import type { Certificate } from './certificate.js';
import { HandshakeSize, type Role } from './constants.js';
import { ed25519Sign, ed25519Verify } from './ed25519.js';
import { HandshakeError } from './errors.js';
import type { Identity } from './identity.js';
import type { SessionKeys } from './key-schedule.js';

const VERIFY_CONTEXT = utf8('paperclip v1 certificate verify ');
/** The signer's role, so a signature can never be reflected back to the side that made it. */
const ROLE_BYTE: Readonly<Record<Role, number>> = { client: 0, server: 1 };

export function computeFinished(finishedKey: Uint8Array, th: Uint8Array): Uint8Array {
  checkLength('finished key', finishedKey, HandshakeSize.FINISHED);
  return new Uint8Array(createHmac('sha256', finishedKey).update(th).digest());
}

export function certificateVerifyMessage(th: Uint8Array, signer: Role): Uint8Array {
  checkLength('transcript hash', th, 32);
  return concatBytes(VERIFY_CONTEXT, th, u8(ROLE_BYTE[signer]));
}

/** This side's Finished data; pass `identity` exactly when this side sent a certificate. */
export function encodeFinishedData(keys: SessionKeys, identity?: Identity): Uint8Array {
  const finished = computeFinished(keys.finishedKey, keys.transcriptHash);
  if (identity === undefined) return finished;
  return concatBytes(finished, ed25519Sign(identity.privateSeed, certificateVerifyMessage(keys.transcriptHash, keys.role)));
}

/**
 * Checks the peer's Finished data. `peerCertificate` is the peer's certificate when it sent one
 * (already parsed and verified by the caller), else undefined. The MAC is checked first (1.3
 * FINISH INVALID: wrong keys, password or transcript), then the signature (1.2 CERTIFICATE
 * INVALID: the peer does not hold the certificate's key).
 */
export function checkFinishedData(data: Uint8Array, keys: SessionKeys, peerCertificate: Certificate | undefined): void {
  const expected = HandshakeSize.FINISHED + (peerCertificate ? HandshakeSize.ED25519_SIGNATURE : 0);
  if (data.length !== expected) {
    throw new HandshakeError('finished-malformed', `Finished data of ${data.length} bytes, expected ${expected}`);
  }
  const mac = computeFinished(keys.peerFinishedKey, keys.transcriptHash);
  if (!equalConstantTime(data.subarray(0, HandshakeSize.FINISHED), mac)) {
    throw new HandshakeError('finished-mismatch', 'peer Finished does not match the transcript and keys');
  }
  if (peerCertificate === undefined) return;
  const peer: Role = keys.role === 'client' ? 'server' : 'client';
  const signature = data.subarray(HandshakeSize.FINISHED);
  if (!ed25519Verify(peerCertificate.publicKey, certificateVerifyMessage(keys.transcriptHash, peer), signature)) {
    throw new HandshakeError('certificate-verify-failed', 'CertificateVerify signature does not match the certificate key');
  }
}

export interface AckFraming {
  readonly sequence: number;
  readonly ackId: number;
  readonly ackBits: number;
  /** RELIABLE and/or CHECKSUM; default 0. Never ENCRYPTED: a wrong key must surface as 1.3, not 3.7. */
  readonly flags?: number;
}

export function buildFinishedAck(data: Uint8Array, framing: AckFraming): AckPacket {
  const { sequence, ackId, ackBits } = framing;
  return { type: PacketType.ACK, flags: framing.flags ?? 0, sequence, ackId, ackBits, data };
}
