/**
 * A Rock-Paper-Scissors bot: one match as a player of a paperclip service, end to end through
 * the same steps as `paperclip play` (lib/cli/play/): register the account if it is new, log
 * in, get a certificate for a key made here, matchmake into an RPS lobby, wait for its game
 * server, join it pinned to the server's certificate, and move whenever a round is open until
 * the server announces the result.
 *
 * Moves are random, or a fixed sequence (cycled) so that tests and demos know who wins.
 * Aborting the signal leaves the lobby, or forfeits the match with a graceful disconnect.
 */
import { randomInt } from 'node:crypto';
import { abortable } from '../../lib/cli/play/cancellation.js';
import { requestGameCredentials } from '../../lib/cli/play/game-credentials.js';
import { awaitLobbyEnd, awaitLobbyServer, joinLobbyServer } from '../../lib/cli/play/lobby-server.js';
import { ServiceApi } from '../../lib/cli/play/service-api.js';
import { ServiceRequestError } from '../../lib/cli/play/service-errors.js';
import { RpsClient } from './client.js';
import { MOVES, type MatchMessage, type Move } from './messages.js';

export interface BotOptions {
  /** The accounts service, e.g. http://127.0.0.1:8080 */
  readonly server: string;
  readonly username: string;
  readonly password: string;
  /** Played in order and cycled; default 'random'. */
  readonly moves?: readonly Move[] | 'random';
  /** Abort to stop: leaves the lobby, or forfeits a running match. */
  readonly signal?: AbortSignal;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
  /** Handshake deadline with the game server. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
}

export interface BotResult {
  readonly accountId: number;
  readonly lobbyId: number;
  readonly match: MatchMessage;
  readonly won: boolean;
  /** The service recorded the result (the lobby ended `finished`). */
  readonly recorded: boolean;
}

const GAME = 'rps';
/** How long the game server may take to post the result and exit. */
const LOBBY_END_WAIT_MS = 5000;

export async function runBot(o: BotOptions): Promise<BotResult> {
  const { signal } = o;
  const log = o.log ?? ((): void => {});
  const nextMove = moveSource(o.moves ?? 'random');
  const service = new ServiceApi(o.server);
  try {
    await service.register(o.username, o.password, signal);
    log(`${o.username}: registered`);
  } catch (err) {
    // an existing account is the normal case from the second run on; login decides the password
    if (!(err instanceof ServiceRequestError && err.code === 'USERNAME_TAKEN')) throw err;
  }
  const session = await service.login(o.username, o.password, signal);
  const api = service.withToken(session.token);
  const me = session.account.id;
  try {
    const credentials = await requestGameCredentials(api, signal);
    const lobby = await api.findLobby(GAME, signal);
    log(`${o.username}: in lobby ${lobby.id}, waiting for its game server`);
    let server;
    try {
      ({ server } = await awaitLobbyServer(api, lobby.id, { signal }));
    } catch (err) {
      if (signal?.aborted === true) await api.leaveLobby(lobby.id).catch(() => undefined);
      throw err;
    }
    const rps = await joinLobbyServer(
      server,
      credentials,
      (client) => {
        // wired before the handshake completes: the start may arrive in the same batch
        const player = new RpsClient(client, me);
        const play = (): void => {
          if (!player.isDecided && !player.hasMoved && !player.isClosed) player.move(nextMove());
        };
        player.started.then(play, () => {});
        player.on('round', (round) => {
          log(`${o.username}: round ${round.round}, winner ${round.winner ?? 'none (draw)'}`);
          play();
        });
        return player;
      },
      { signal, timeoutMs: o.connectTimeoutMs ?? 5000 },
    );
    let match: MatchMessage;
    try {
      match = await abortable(rps.finished, signal);
      log(`${o.username}: match over, ${match.winner === me ? 'won' : 'lost'}${match.reason === 'forfeit' ? ' by forfeit' : ''}`);
    } finally {
      await rps.close();
    }
    // the result is on the leaderboard, and the next runBot gets a new lobby, once this one ended
    const ended = await awaitLobbyEnd(api, lobby.id, { signal, timeoutMs: LOBBY_END_WAIT_MS });
    return { accountId: me, lobbyId: lobby.id, match, won: match.winner === me, recorded: ended === 'finished' };
  } finally {
    await api.logout(AbortSignal.timeout(2000)).catch(() => undefined);
  }
}

function moveSource(moves: readonly Move[] | 'random'): () => Move {
  if (moves === 'random') return () => MOVES[randomInt(MOVES.length)] as Move;
  if (moves.length === 0) throw new RangeError('moves: give at least one, or "random"');
  let i = 0;
  return () => moves[i++ % moves.length] as Move;
}
