/**
 * One Rock-Paper-Scissors match in the terminal: into a lobby (matchmaking or a given number),
 * wait for its game server, join it with our certificate, play rounds until the server
 * announces the result, then show the leaderboard with this match on it.
 *
 * A round's question races the server: when the round times out before we answer (the server
 * decides it without our move), the question is withdrawn and the result shown. Ctrl-C at any
 * point leaves cleanly: a lobby still waiting is left (our seat freed), a running match is
 * closed with the transport's CLIENT DISCONNECT, so the opponent wins by forfeit at once.
 */
import { MatchUnfinishedError, RpsClient } from '../../../examples/rps/client.js';
import { moveFromInput, type MatchMessage, type Move, type RoundMessage } from '../../../examples/rps/messages.js';
import type { LobbyJson, LobbyServerJson } from './api-responses.js';
import { abortable, InterruptedError } from './cancellation.js';
import type { PlayContext } from './context.js';
import { PlayError } from './failure.js';
import { showLeaderboard } from './leaderboard.js';
import { awaitLobbyEnd, awaitLobbyServer, joinLobbyServer } from './lobby-server.js';
import { describeLobby, describeMatch, describeRound, type Sides } from './match-text.js';

/** The game this client plays (the service's built-in RPS module). */
export const RPS_GAME = 'rps';

/** How long the game server may take to post the result and exit before we stop waiting. */
const LOBBY_END_WAIT_MS = 5000;

export type LobbyChoice = { readonly kind: 'quick' } | { readonly kind: 'join'; readonly lobbyId: number };

export async function playMatch(ctx: PlayContext, choice: LobbyChoice): Promise<void> {
  const { api, prompter, signal } = ctx;
  const lobby = choice.kind === 'quick' ? await api.findLobby(RPS_GAME, signal) : await joinRpsLobby(ctx, choice.lobbyId);
  const server = await awaitServerOrLeave(ctx, lobby);
  const credentials = await ctx.credentials();
  const rps = await joinLobbyServer(server, credentials, (client) => new RpsClient(client, ctx.account.id), { signal, timeoutMs: ctx.connectTimeoutMs });
  rps.on('invalid', (reason) => prompter.print(`(ignored a message from the game server: ${reason})`));
  let result: MatchMessage | null;
  try {
    prompter.print(`Connected to the game server of lobby ${lobby.id}; waiting for the other player…`);
    result = await playRounds(ctx, rps);
  } catch (err) {
    if (err instanceof InterruptedError) prompter.print('Leaving the match…');
    throw err;
  } finally {
    await rps.close();
  }
  // The lobby ends once its server has posted the result and exited. Until then matchmaking
  // would hand us this same lobby again (it is idempotent for a member), so wait for that.
  const ended = await awaitLobbyEnd(api, lobby.id, { signal, timeoutMs: LOBBY_END_WAIT_MS });
  if (result === null) {
    prompter.print(`The match ended without a result (${ended ?? 'the game server closed the connection'}).`);
    return;
  }
  if (ended !== 'finished') prompter.print(`(the result is not recorded${ended === undefined ? ' yet' : `: ${ended}`})`);
  await showLeaderboard(ctx, RPS_GAME);
}

/** Joins a numbered lobby after checking it is an RPS one (or just uses it if we are in it). */
async function joinRpsLobby(ctx: PlayContext, lobbyId: number): Promise<LobbyJson> {
  const lobby = await ctx.api.lobby(lobbyId, ctx.signal);
  const rps = (await ctx.api.games(ctx.signal)).find((g) => g.name === RPS_GAME);
  if (rps === undefined || lobby.game_id !== rps.id) throw new PlayError(`lobby ${lobbyId} is not a Rock-Paper-Scissors lobby`);
  if (lobby.members.some((m) => m.account_id === ctx.account.id)) return lobby;
  return ctx.api.joinLobby(lobbyId, ctx.signal);
}

async function awaitServerOrLeave(ctx: PlayContext, lobby: LobbyJson): Promise<LobbyServerJson> {
  try {
    const { server } = await awaitLobbyServer(ctx.api, lobby.id, { signal: ctx.signal, onChange: (l) => ctx.prompter.print(describeLobby(l)) });
    return server;
  } catch (err) {
    if (err instanceof InterruptedError) {
      // not with the aborted signal: this is the cleanup. A lobby already starting cannot be
      // left; its server ends it when we never connect (players-missing).
      const left = await ctx.api.leaveLobby(lobby.id).then(
        () => true,
        () => false,
      );
      if (left) ctx.prompter.print(`Left lobby ${lobby.id}.`);
    }
    throw err;
  }
}

/** Plays until the server announces the result; null when it closed the connection first. */
async function playRounds(ctx: PlayContext, rps: RpsClient): Promise<MatchMessage | null> {
  const { prompter, signal } = ctx;
  let start;
  try {
    start = await abortable(rps.started, signal);
  } catch (err) {
    if (err instanceof MatchUnfinishedError) return null;
    throw err;
  }
  const opponent = rps.opponent;
  if (opponent === undefined) throw new PlayError('the game server started a match without an opponent');
  const sides: Sides = { me: ctx.account.id, opponent, winsOf: (id) => rps.winsOf(id) };
  const firstTo = Math.floor(start.bestOf / 2) + 1;
  prompter.print(`Match: you against ${opponent.username}, best of ${start.bestOf} (first to ${firstTo}), ${Math.round(start.roundTimeoutMs / 1000)} s per move.`);
  for (;;) {
    const outcome = nextOutcome(ctx, rps);
    if (!rps.isDecided && !rps.hasMoved) {
      const move = await askMove(ctx, rps.round, outcome);
      // the answer may land just as the opponent left: the match is then decided or closed
      if (move !== undefined && !rps.isDecided && !rps.isClosed) {
        rps.move(move);
        prompter.print(`Waiting for ${opponent.username}…`);
      }
    }
    const message = await abortable(outcome, signal);
    if (message === null) return null;
    if (message.type === 'match') {
      prompter.print(describeMatch(message, sides));
      return message;
    }
    prompter.print(describeRound(message, sides));
  }
}

/** The next round result or the match result; null once the connection closed. */
async function nextOutcome(ctx: PlayContext, rps: RpsClient): Promise<RoundMessage | MatchMessage | null> {
  for (;;) {
    const message = await rps.next();
    if (message === null || message.type === 'round' || message.type === 'match') return message;
    if (message.type === 'error') ctx.prompter.print(`The game server refused that: ${message.message}`);
  }
}

/** Asks until the answer is a move; undefined when the round was decided first (we timed out). */
async function askMove(ctx: PlayContext, round: number, outcome: Promise<unknown>): Promise<Move | undefined> {
  const decided = new AbortController();
  void outcome.then(() => decided.abort());
  const signal = AbortSignal.any([ctx.signal, decided.signal]);
  for (;;) {
    let answer: string;
    try {
      answer = await ctx.prompter.ask(`Round ${round}: choose (r)ock, (p)aper, (s)cissors: `, signal);
    } catch (err) {
      if (decided.signal.aborted && !ctx.signal.aborted) return undefined;
      throw err;
    }
    const move = moveFromInput(answer);
    if (move !== undefined) return move;
    ctx.prompter.print('Type r, p or s.');
  }
}
