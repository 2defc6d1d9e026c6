/** What every step of a signed-in play session works with. */
import type { AccountJson } from './api-responses.js';
import { requestGameCredentials, type GameCredentials } from './game-credentials.js';
import type { Prompter } from './prompter.js';
import type { ServiceApi } from './service-api.js';

export interface PlayContext {
  /** The service, as the signed-in account. */
  readonly api: ServiceApi;
  readonly account: AccountJson;
  readonly prompter: Prompter;
  /** Aborted by Ctrl-C / SIGTERM (reason: InterruptedError). */
  readonly signal: AbortSignal;
  /** Handshake deadline with a game server. */
  readonly connectTimeoutMs: number;
  /** The certificate and service key for game servers, requested on first use. */
  credentials(): Promise<GameCredentials>;
}

export function createPlayContext(o: Omit<PlayContext, 'credentials'>): PlayContext {
  let credentials: Promise<GameCredentials> | undefined;
  return {
    ...o,
    credentials: () => {
      // one certificate per session; a failed request is retried on the next match
      credentials ??= requestGameCredentials(o.api, o.signal).catch((err: unknown) => {
        credentials = undefined;
        throw err;
      });
      return credentials;
    },
  };
}
