/**
 * `RpsClient`: one player's side of a Rock-Paper-Scissors match on a connected game-server
 * client (`connect()` from lib/transport/client.ts). It validates what the server sends
 * (messages.ts), keeps the score, and refuses moves the server would refuse anyway (before the
 * start, twice in a round, after the match is decided), so a caller's bug shows up as an
 * exception here rather than as an `error` message from the server later.
 *
 * Two ways to follow the match, for two kinds of caller:
 * - events (`start`, `round`, `match`, `serverError`, `invalid`, `closed`) and the `started` /
 *   `finished` promises, for code that reacts (the bot);
 * - `next()`, the server's messages one at a time in order, for code that alternates between
 *   waiting on the server and on something else (the terminal client waits on a person).
 * Messages are queued for `next()` whether or not anyone calls it; a match is a handful of them.
 */
import { EventEmitter } from 'node:events';
import type { DisconnectInfo } from '../../lib/transport/server.js';
import { encodeMove, parseServerMessage, type MatchMessage, type Move, type RoundMessage, type RpsPlayer, type ServerMessage, type StartMessage } from './messages.js';

/** What RpsClient needs of a connection; `Client` from lib/transport/client.ts is one. */
export interface GameConnection {
  send(data: Uint8Array): void;
  on(event: 'message', listener: (data: Uint8Array) => void): unknown;
  on(event: 'disconnect', listener: (info: DisconnectInfo) => void): unknown;
  /** Graceful: the transport's CLIENT DISCONNECT, so the server does not wait for a timeout. */
  close(): Promise<void>;
}

export interface RpsClientEvents {
  start: [message: StartMessage];
  round: [message: RoundMessage];
  match: [message: MatchMessage];
  /** The server refused one of our messages (the match carries on). */
  serverError: [message: string];
  /** A message from the server that is not valid RPS protocol; it is dropped. */
  invalid: [reason: string];
  /** The connection is gone (after `match`, that is the normal end). */
  closed: [];
}

/** The connection closed before the server said who won (abort, crash, network loss). */
export class MatchUnfinishedError extends Error {
  override readonly name = 'MatchUnfinishedError';
  constructor() {
    super('the game server closed the connection before the match ended');
  }
}

export class RpsClient extends EventEmitter<RpsClientEvents> {
  /** Resolves with the first `start`; rejects with MatchUnfinishedError if the connection closes first. */
  readonly started: Promise<StartMessage>;
  /** Resolves with the `match` message; rejects with MatchUnfinishedError if the connection closes first. */
  readonly finished: Promise<MatchMessage>;
  private resolveStarted!: (message: StartMessage) => void;
  private rejectStarted!: (err: Error) => void;
  private resolveFinished!: (message: MatchMessage) => void;
  private rejectFinished!: (err: Error) => void;
  private start: StartMessage | undefined;
  private result: MatchMessage | undefined;
  private readonly wins = new Map<number, number>();
  private roundsPlayed = 0;
  /** The round number we last moved in. */
  private movedIn = 0;
  private closed = false;
  private readonly queue: ServerMessage[] = [];
  private wake: (() => void) | undefined;

  constructor(
    private readonly connection: GameConnection,
    /** Our account id, as the server's messages name players by it. */
    readonly accountId: number,
  ) {
    super();
    this.started = new Promise((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
    this.finished = new Promise((resolve, reject) => {
      this.resolveFinished = resolve;
      this.rejectFinished = reject;
    });
    // callers await the one they need; the other's rejection must not crash the process
    this.started.catch(() => {});
    this.finished.catch(() => {});
    connection.on('message', (data) => this.receive(data));
    connection.on('disconnect', () => this.onClosed());
  }

  get players(): readonly RpsPlayer[] {
    return this.start?.players ?? [];
  }

  get opponent(): RpsPlayer | undefined {
    return this.players.find((p) => p.accountId !== this.accountId);
  }

  get bestOf(): number | undefined {
    return this.start?.bestOf;
  }

  /** The number of the round being played now (the server counts draws too). */
  get round(): number {
    return this.roundsPlayed + 1;
  }

  /** Round wins so far. */
  winsOf(accountId: number): number {
    return this.wins.get(accountId) ?? 0;
  }

  /** True once someone has won enough rounds or the server announced the result. */
  get isDecided(): boolean {
    if (this.result !== undefined) return true;
    if (this.start === undefined) return false;
    const needed = Math.floor(this.start.bestOf / 2) + 1;
    return [...this.wins.values()].some((w) => w >= needed);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Plays `move` in the current round. Throws when the server would refuse it. */
  move(move: Move): void {
    if (this.closed) throw new Error('the connection to the game server is closed');
    if (this.start === undefined) throw new Error('the match has not started');
    if (this.isDecided) throw new Error('the match is decided');
    if (this.movedIn === this.round) throw new Error(`already moved in round ${this.round}`);
    this.movedIn = this.round;
    this.connection.send(encodeMove(move));
  }

  /** Whether we already moved in the current round. */
  get hasMoved(): boolean {
    return this.movedIn === this.round;
  }

  /**
   * The next message from the server, in arrival order; null once the connection closed and
   * every message was taken. One caller at a time.
   */
  async next(): Promise<ServerMessage | null> {
    for (;;) {
      const message = this.queue.shift();
      if (message !== undefined) return message;
      if (this.closed) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Leaves the match gracefully (a forfeit while it is being played). */
  async close(): Promise<void> {
    await this.connection.close();
    this.onClosed();
  }

  private receive(data: Uint8Array): void {
    const parsed = parseServerMessage(data);
    if ('invalid' in parsed) {
      this.emit('invalid', parsed.invalid);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'start':
        // sent again when we replace our connection; the first one is the start
        if (this.start !== undefined) return;
        this.start = message;
        this.resolveStarted(message);
        break;
      case 'round':
        this.roundsPlayed = Math.max(this.roundsPlayed, message.round);
        if (message.winner !== null) this.wins.set(message.winner, this.winsOf(message.winner) + 1);
        break;
      case 'match':
        this.result = message;
        this.resolveFinished(message);
        break;
      case 'error':
        break;
    }
    this.queue.push(message);
    this.wakeReader();
    if (message.type === 'error') this.emit('serverError', message.message);
    else if (message.type === 'start') this.emit('start', message);
    else if (message.type === 'round') this.emit('round', message);
    else this.emit('match', message);
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.rejectStarted(new MatchUnfinishedError());
    this.rejectFinished(new MatchUnfinishedError());
    this.wakeReader();
    this.emit('closed');
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
