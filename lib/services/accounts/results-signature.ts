/**
 * How a game server proves the match results it posts (`POST /scores`): it signs them with the
 * Ed25519 key its service-signed certificate names. The service checks the certificate under its
 * own key, that it is the very certificate it issued to that lobby's server, and the signature.
 *
 * signed message = "paperclip results v1" ‖ UTF-8 JSON of { lobby_id, results: [{ account_id, score }] }
 * with exactly those keys in that order, so both sides build the same bytes from the values.
 */
import { ed25519Sign, ed25519Verify } from '../../protocol/handshake/ed25519.js';

const CONTEXT = 'paperclip results v1';

export interface MatchResults {
  readonly lobby_id: number;
  readonly results: readonly { readonly account_id: number; readonly score: number }[];
}

export function resultsMessage(body: MatchResults): Uint8Array {
  const canonical = {
    lobby_id: body.lobby_id,
    results: body.results.map((r) => ({ account_id: r.account_id, score: r.score })),
  };
  return new TextEncoder().encode(CONTEXT + JSON.stringify(canonical));
}

export function signResults(serverSeed: Uint8Array, body: MatchResults): Uint8Array {
  return ed25519Sign(serverSeed, resultsMessage(body));
}

export function verifyResults(serverPublicKey: Uint8Array, body: MatchResults, signature: Uint8Array): boolean {
  return ed25519Verify(serverPublicKey, resultsMessage(body), signature);
}
