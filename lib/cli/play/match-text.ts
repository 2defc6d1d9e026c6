/** What a person reads during a match: lobby progress, each round, the result. */
import type { MatchMessage, RoundMessage } from '../../../examples/rps/messages.js';
import type { LobbyJson } from './api-responses.js';

export interface Sides {
  readonly me: number;
  readonly opponent: { readonly accountId: number; readonly username: string };
  readonly winsOf: (accountId: number) => number;
}

export function describeLobby(lobby: LobbyJson): string {
  switch (lobby.status) {
    case 'open':
      return `Lobby ${lobby.id}: ${lobby.members.length}/${lobby.max_players} players, waiting for an opponent… (Ctrl-C leaves)`;
    case 'full':
    case 'starting':
      return `Lobby ${lobby.id} is full: starting its game server…`;
    case 'running':
      return `Lobby ${lobby.id}: the game server is up.`;
    case 'ended':
      return `Lobby ${lobby.id} ended (${lobby.end_reason ?? 'no reason given'}).`;
  }
}

export function describeRound(round: RoundMessage, sides: Sides): string {
  const { me, opponent } = sides;
  const name = opponent.username;
  const mine = round.moves.find((m) => m.accountId === me)?.move ?? null;
  const theirs = round.moves.find((m) => m.accountId === opponent.accountId)?.move ?? null;
  const played =
    mine !== null && mine === theirs
      ? `you both played ${mine}`
      : `${mine === null ? 'you did not choose in time' : `you played ${mine}`}, ${theirs === null ? `${name} did not choose in time` : `${name} played ${theirs}`}`;
  const verdict = round.winner === null ? 'a draw, the round is replayed' : round.winner === me ? 'you win the round' : `${name} wins the round`;
  return `Round ${round.round}: ${played}: ${verdict}. Score: you ${sides.winsOf(me)}, ${name} ${sides.winsOf(opponent.accountId)}.`;
}

export function describeMatch(match: MatchMessage, sides: Sides): string {
  const { me, opponent } = sides;
  const winsOf = (id: number): number => match.wins.find((w) => w.accountId === id)?.wins ?? 0;
  const loser = match.winner === me ? opponent.accountId : me;
  const score = `${winsOf(match.winner)}-${winsOf(loser)}`;
  if (match.reason === 'forfeit') {
    return match.winner === me ? `${opponent.username} left the match: you win by forfeit (${score}).` : `You left the match: ${opponent.username} wins by forfeit.`;
  }
  return match.winner === me ? `You won the match ${score} against ${opponent.username}.` : `${opponent.username} won the match ${score}.`;
}
