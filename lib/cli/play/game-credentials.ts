/**
 * What a player needs to join any game server of the service: a certificate for a key pair of
 * its own, and the service's public key to check the server's certificate with. The seed's "Get
 * Key" route, where the service handed out the private key, is deliberately absent
 * (docs/SERVICE.md): the key pair is made here and the private half never leaves this process.
 */
import { randomBytes } from 'node:crypto';
import { ed25519PublicKey } from '../../protocol/handshake/ed25519.js';
import type { Identity } from '../../protocol/handshake/identity.js';
import type { ServiceApi } from './service-api.js';

export interface GameCredentials {
  readonly identity: Identity;
  readonly servicePublicKey: Uint8Array;
}

/**
 * `api` must hold a session token: the certificate is tied to that session and revoked when it
 * logs out, so request new credentials after every login.
 */
export async function requestGameCredentials(api: ServiceApi, signal?: AbortSignal): Promise<GameCredentials> {
  const privateSeed = new Uint8Array(randomBytes(32));
  const certificate = await api.issueCertificate(ed25519PublicKey(privateSeed), signal);
  const servicePublicKey = await api.servicePublicKey(signal);
  return { identity: { certificate, privateSeed }, servicePublicKey };
}
