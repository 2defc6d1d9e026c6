/**
 * Posts a finished match's results to the accounts service (`POST ${serviceUrl}/scores`), signed
 * with the game server's key (results-signature.ts). Network errors and 5xx are retried with
 * exponential backoff: the service may be restarting, and a lost result is a lost match. A 4xx
 * is final (the service understood and refused: retrying cannot change its answer).
 */
import type { Logger } from 'pino';
import { signResults, type MatchResults } from '../accounts/results-signature.js';
import type { PlayerResult } from './game-module.js';

export interface PostResultsOptions {
  readonly serviceUrl: string;
  readonly lobbyId: number;
  readonly results: readonly PlayerResult[];
  /** The server certificate, sent along so the service can check it is the one it issued. */
  readonly certificate: Uint8Array;
  readonly seed: Uint8Array;
  readonly logger: Logger;
  /** Default 5. */
  readonly attempts?: number;
  /** First retry delay, doubled each time. Default 250 ms. */
  readonly backoffMs?: number;
  /** Per request. Default 5000 ms. */
  readonly requestTimeoutMs?: number;
}

export type PostOutcome = 'posted' | 'refused' | 'unreachable';

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export async function postResults(o: PostResultsOptions): Promise<PostOutcome> {
  const { attempts = 5, backoffMs = 250, requestTimeoutMs = 5000, logger } = o;
  const body: MatchResults = {
    lobby_id: o.lobbyId,
    results: o.results.map((r) => ({ account_id: r.accountId, score: r.score })),
  };
  const payload = JSON.stringify({
    ...body,
    certificate: base64(o.certificate),
    signature: base64(signResults(o.seed, body)),
  });
  const url = `${o.serviceUrl.replace(/\/+$/, '')}/scores`;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const text = await response.text().catch(() => '');
      if (response.ok) {
        logger.info({ status: response.status, attempt }, 'results posted');
        return 'posted';
      }
      if (response.status < 500) {
        logger.error({ status: response.status, body: text.slice(0, 500) }, 'results refused by the service');
        return 'refused';
      }
      logger.warn({ status: response.status, attempt }, 'results post failed (server error)');
    } catch (err) {
      logger.warn({ err, attempt }, 'results post failed (network)');
    }
    if (attempt < attempts) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
  }
  logger.error({ attempts }, 'results could not be posted');
  return 'unreachable';
}
