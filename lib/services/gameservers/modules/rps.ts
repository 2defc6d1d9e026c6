/**
 * Rock-Paper-Scissors for 2 players, best of N rounds (`settings.bestOf`, odd, default 3: first
 * to 2 round wins). All messages are UTF-8 JSON on the reliable channel.
 *
 * client → server
 *   { "type": "move", "move": "rock" | "paper" | "scissors" }      one per round
 *
 * server → client
 *   { type: 'start', players: [{ accountId, username }], bestOf, roundTimeoutMs }
 *       when both players are connected (sent again to a player who replaces their connection)
 *   { type: 'round', round, moves: [{ accountId, move | null }], winner: accountId | null }
 *       after both moved or the round timed out; `round` counts every round played, draws too
 *   { type: 'match', winner: accountId, reason: 'won' | 'forfeit', wins: [{ accountId, wins }],
 *     scores: [{ accountId, score }] }
 *       the last message; the server then disconnects everyone
 *   { type: 'error', message }
 *       bad input (malformed JSON, unknown type, illegal move, a second move in a round, a move
 *       before the start); the match carries on as if it had not been sent
 *
 * Rules: a draw is replayed. A round times out after `settings.roundTimeoutMs` (default 30 s):
 * whoever did not move loses it; if neither moved, the players are idle and the match is aborted
 * ('players-idle', no results) rather than replayed forever. A player who leaves after the
 * start forfeits: the other wins.
 *
 * Posted scores: the winner 1, the loser 0.
 */
import type { GameContext, GameInstance, GameModule, Player } from '../game-module.js';

type Move = 'rock' | 'paper' | 'scissors';
const BEATS: Readonly<Record<Move, Move>> = { rock: 'scissors', paper: 'rock', scissors: 'paper' };

const DEFAULT_BEST_OF = 3;
const DEFAULT_ROUND_TIMEOUT_MS = 30_000;

function isMove(value: unknown): value is Move {
  return value === 'rock' || value === 'paper' || value === 'scissors';
}

type Parsed = { readonly move: Move } | { readonly error: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseMessage(data: Uint8Array): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(data));
  } catch {
    return { error: 'malformed message: expected UTF-8 JSON' };
  }
  if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'move') {
    return { error: 'unknown message: expected {"type":"move","move":...}' };
  }
  const move = (value as { move?: unknown }).move;
  return isMove(move) ? { move } : { error: 'illegal move: expected "rock", "paper" or "scissors"' };
}

function setting(ctx: GameContext, key: string, fallback: number, valid: (n: number) => boolean): number {
  const value = ctx.settings[key];
  if (value === undefined) return fallback;
  if (typeof value === 'number' && valid(value)) return value;
  ctx.logger.warn({ key, value, fallback }, 'invalid setting ignored');
  return fallback;
}

function create(ctx: GameContext): GameInstance {
  if (ctx.players.length !== 2) throw new Error(`rock-paper-scissors needs 2 players, got ${ctx.players.length}`);
  const players = ctx.players as readonly [Player, Player];
  const bestOf = setting(ctx, 'bestOf', DEFAULT_BEST_OF, (n) => Number.isInteger(n) && n >= 1 && n % 2 === 1);
  const roundTimeoutMs = setting(ctx, 'roundTimeoutMs', DEFAULT_ROUND_TIMEOUT_MS, (n) => Number.isFinite(n) && n > 0);
  const winsNeeded = Math.floor(bestOf / 2) + 1;
  const wins = new Map<number, number>(players.map((p) => [p.accountId, 0]));
  const moves = new Map<number, Move>();
  let phase: 'waiting' | 'playing' | 'over' = 'waiting';
  let round = 0;
  let timer: NodeJS.Timeout | undefined;

  const encode = (message: object): Uint8Array => new TextEncoder().encode(JSON.stringify(message));
  const other = (player: Player): Player => (player.accountId === players[0].accountId ? players[1] : players[0]);
  const startMessage = () => encode({ type: 'start', players, bestOf, roundTimeoutMs });

  function nextRound(): void {
    round++;
    moves.clear();
    timer = setTimeout(resolveRound, roundTimeoutMs);
  }

  function roundWinner(): Player | null | 'idle' {
    const [a, b] = players.map((p) => moves.get(p.accountId));
    if (a === undefined && b === undefined) return 'idle';
    if (a === undefined || b === undefined) return a === undefined ? players[1] : players[0];
    if (a === b) return null;
    return BEATS[a] === b ? players[0] : players[1];
  }

  function resolveRound(): void {
    clearTimeout(timer);
    const winner = roundWinner();
    if (winner === 'idle') {
      phase = 'over';
      ctx.abort('players-idle');
      return;
    }
    const played = players.map((p) => ({ accountId: p.accountId, move: moves.get(p.accountId) ?? null }));
    ctx.broadcast(encode({ type: 'round', round, moves: played, winner: winner?.accountId ?? null }));
    if (winner === null) return nextRound();
    const total = (wins.get(winner.accountId) ?? 0) + 1;
    wins.set(winner.accountId, total);
    if (total >= winsNeeded) endMatch(winner, 'won');
    else nextRound();
  }

  function endMatch(winner: Player, reason: 'won' | 'forfeit'): void {
    phase = 'over';
    clearTimeout(timer);
    const scores = players.map((p) => ({ accountId: p.accountId, score: p === winner ? 1 : 0 }));
    const roundWins = players.map((p) => ({ accountId: p.accountId, wins: wins.get(p.accountId) ?? 0 }));
    ctx.broadcast(encode({ type: 'match', winner: winner.accountId, reason, wins: roundWins, scores }));
    void ctx.finish(scores);
  }

  const reject = (player: Player, message: string): void => ctx.send(player.accountId, encode({ type: 'error', message }));

  return {
    onJoin(player) {
      if (phase === 'playing') ctx.send(player.accountId, startMessage());
    },
    onAllJoined() {
      phase = 'playing';
      ctx.broadcast(startMessage());
      nextRound();
    },
    onMessage(player, data) {
      const parsed = parseMessage(data);
      if ('error' in parsed) return reject(player, parsed.error);
      if (phase !== 'playing') return reject(player, 'the match has not started');
      if (moves.has(player.accountId)) return reject(player, `already moved in round ${round}`);
      moves.set(player.accountId, parsed.move);
      if (moves.size === players.length) resolveRound();
    },
    onLeave(player) {
      if (phase === 'playing') endMatch(other(player), 'forfeit');
    },
    onClose() {
      clearTimeout(timer);
    },
  };
}

const rps: GameModule = { name: 'rps', create };
export default rps;
