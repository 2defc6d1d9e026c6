/**
 * One line for a person, for any failure of a play session (or the example bot): what went
 * wrong and, where there is one, what to do. Never a stack trace; an error this does not know
 * is shown by its message alone.
 */
import { MatchUnfinishedError } from '../../../examples/rps/client.js';
import { InterruptedError } from './cancellation.js';
import { GameServerJoinError, LobbyEndedError } from './lobby-server.js';
import { InputClosedError } from './prompter.js';
import { ServiceRequestError, ServiceUnreachableError, UnexpectedResponseError } from './service-errors.js';

/** A failure whose message is already written for a person (a refused choice, a bad answer). */
export class PlayError extends Error {
  override readonly name = 'PlayError';
}

/** Words for the catalogue codes whose service message is written for programs, not people. */
const REQUEST_ADVICE: Readonly<Record<string, string>> = {
  TOKEN_EXPIRED: 'your session expired: run paperclip play again to log in',
  TOKEN_REVOKED: 'your session ended (logged out, or you logged in elsewhere): run paperclip play again',
  RATE_LIMITED: 'too many attempts from this address: wait a minute and try again',
  NO_GAME_SERVER: 'the service has no free game-server port right now: try again later',
  STORAGE_UNAVAILABLE: 'the service cannot reach its database right now: try again later',
};

export function describeFailure(err: unknown): string {
  if (err instanceof ServiceRequestError) return REQUEST_ADVICE[err.code] ?? err.message;
  if (
    err instanceof PlayError ||
    err instanceof ServiceUnreachableError ||
    err instanceof UnexpectedResponseError ||
    err instanceof GameServerJoinError ||
    err instanceof LobbyEndedError ||
    err instanceof MatchUnfinishedError ||
    err instanceof InputClosedError ||
    err instanceof InterruptedError
  ) {
    return err.message;
  }
  const text = err instanceof Error ? err.message : String(err);
  // keep the promise: one line, even for an error whose message spans several
  return `unexpected error: ${text.split('\n')[0] ?? text}`;
}

/** Errors after which the session cannot go on: the menu ends on them instead of reporting them. */
export function isFatal(err: unknown): boolean {
  return (
    err instanceof InterruptedError ||
    err instanceof InputClosedError ||
    err instanceof ServiceUnreachableError ||
    (err instanceof ServiceRequestError && (err.code === 'TOKEN_EXPIRED' || err.code === 'TOKEN_REVOKED' || err.code === 'UNAUTHENTICATED'))
  );
}
