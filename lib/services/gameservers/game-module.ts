/**
 * The contract between the game-server runner and a game. A game module is an ES module whose
 * default export is a `GameModule`; the runner imports it (by absolute path) in a child process
 * of its own, one process per lobby, and calls `create` once, after the UDP port is bound and
 * before any player can connect.
 *
 * Rules the runner enforces, so that no game has to:
 * - Only the lobby's players get in: the handshake refuses every other certificate (1.2).
 * - A player has at most one connection. A second connection of the same account replaces the
 *   first (a player whose network changed must not wait for the idle timeout); the game gets no
 *   `onLeave` for the replaced connection, only `onJoin` again, so it can resend its state.
 * - `onAllJoined` is called once, the first time every player is connected at the same moment.
 *   Until then the match is in its join phase; if it does not end within the join timeout
 *   (default 60 s) the match is aborted with 'players-missing' and no results are posted.
 * - After `onAllJoined`, when every player has left, the match is aborted with 'abandoned'.
 *   A single player leaving is the game's call (forfeit, wait for a reconnect, carry on).
 * - After `finish` or `abort` no callback but `onClose` runs; `onClose` runs exactly once when
 *   the match ends for any reason (also when the supervisor stops the process), to clear timers.
 * - A callback that throws aborts the match with 'game-error': a broken game must not keep
 *   players waiting. An exception from the game's own timers is uncaught: the process exits and
 *   the supervisor reports 'crashed' (no results either way).
 * - Settings and results are JSON; scores must be finite numbers, one per player at most.
 */
import type { Logger } from 'pino';
import type { DisconnectReason } from '../../protocol/connection-events.js';
import type { SendOptions } from '../../transport/send-options.js';
import type { MessageInfo } from '../../transport/server.js';

export interface Player {
  readonly accountId: number;
  readonly username: string;
}

/** One line of the results posted to the service; what a score means is the game's to document. */
export interface PlayerResult {
  readonly accountId: number;
  readonly score: number;
}

/** Lobby settings chosen by the service, passed through unchanged (JSON values). */
export type GameSettings = Readonly<Record<string, unknown>>;

export interface GameContext {
  readonly lobbyId: number;
  /** Every player of the lobby, connected or not, in lobby order. */
  readonly players: readonly Player[];
  readonly settings: GameSettings;
  /** Structured logs (stderr), already bound to the lobby id. */
  readonly logger: Logger;
  /** The players connected right now. */
  connected(): readonly Player[];
  /** To one player; silently nothing when that player is not connected. Default reliable, channel 0. */
  send(accountId: number, data: Uint8Array, options?: SendOptions): void;
  /** To every connected player. */
  broadcast(data: Uint8Array, options?: SendOptions): void;
  /**
   * Ends the match: posts the signed results to the service (retrying network errors and 5xx),
   * lets the messages already sent reach the players, disconnects everyone gracefully and ends
   * the process with exit code 0. Every account id must be a player's; calling it again returns
   * the same promise. Messages sent before calling it are delivered first.
   */
  finish(results: readonly PlayerResult[]): Promise<void>;
  /** Ends the match without results (the reason is reported to the supervisor); no-op once ended. */
  abort(reason: string): void;
}

export interface GameInstance {
  /** A player connected (or reconnected, or replaced their connection). */
  onJoin?(player: Player): void;
  /** Once: every player is connected for the first time. */
  onAllJoined?(): void;
  /** `data` comes from the network: validate it, never trust it. */
  onMessage?(player: Player, data: Uint8Array, info: MessageInfo): void;
  onLeave?(player: Player, reason: DisconnectReason): void;
  /** The match is over (finished, aborted or stopped): release timers and the like. */
  onClose?(): void;
}

export interface GameModule {
  /** Short identifier, as used in logs and `modules` of the supervisor. */
  readonly name: string;
  /**
   * Largest message a player may send, bytes (larger ones are refused: PROTOCOL.md §8 limits).
   * Default 64 KiB: game input is small, and the transport's 16 MiB default would let any
   * admitted player make the server buffer and parse megabytes.
   */
  readonly maxMessageBytes?: number;
  create(ctx: GameContext): GameInstance;
}

/** A structural check of an imported default export (module files are loaded at run time). */
export function isGameModule(value: unknown): value is GameModule {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { name?: unknown; create?: unknown };
  return typeof m.name === 'string' && typeof m.create === 'function';
}
