/**
 * One match on one bound paperclip-net server: admits only the lobby's players, maps peers to
 * players, drives the game instance and enforces the rules documented in game-module.ts (join
 * timeout, abandonment, one connection per player, a throwing game aborts). It knows nothing of
 * IPC or process exit: `ended` resolves with the reason once the socket is released.
 */
import type { Logger } from 'pino';
import type { DisconnectReason } from '../../protocol/connection-events.js';
import type { Identity } from '../../protocol/handshake/identity.js';
import type { SendOptions } from '../../transport/send-options.js';
import { createServer, type Peer, type Server } from '../../transport/server.js';

/** See GameModule.maxMessageBytes. */
const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
import type { GameContext, GameInstance, GameModule, GameSettings, Player, PlayerResult } from './game-module.js';
import { postResults, type PostOutcome } from './post-results.js';

export interface GameHostOptions {
  readonly lobbyId: number;
  readonly module: GameModule;
  readonly players: readonly Player[];
  readonly settings: GameSettings;
  readonly host: string;
  readonly port: number;
  readonly identity: Identity;
  readonly servicePublicKey: Uint8Array;
  readonly serviceUrl: string;
  readonly joinTimeoutMs: number;
  readonly logger: Logger;
}

/** How long the last messages may take to be acknowledged before the graceful disconnect. */
const DRAIN_LIMIT_MS = 2000;
const OUTCOME_REASON: Readonly<Record<PostOutcome, string>> = {
  posted: 'finished',
  refused: 'results-refused',
  unreachable: 'results-unposted',
};

export class GameHost {
  /** Resolves with the end reason once every player is disconnected and the socket closed. */
  readonly ended: Promise<string>;
  private resolveEnded!: (reason: string) => void;
  private instance: GameInstance = {};
  private readonly playersById: ReadonlyMap<number, Player>;
  /** The current connection of each connected player. */
  private readonly current = new Map<number, Peer>();
  /** Connections superseded by a newer one of the same player: their disconnect is not a leave. */
  private readonly replaced = new Set<Peer>();
  private allJoined = false;
  /** Set synchronously when the match ends, before any callback can re-enter. */
  private over = false;
  private ending: Promise<void> = Promise.resolve();
  private readonly joinTimer: NodeJS.Timeout;
  private readonly log: Logger;

  private constructor(
    private readonly o: GameHostOptions,
    private readonly server: Server,
  ) {
    this.log = o.logger;
    this.playersById = new Map(o.players.map((p) => [p.accountId, p]));
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.joinTimer = setTimeout(() => {
      if (!this.allJoined) this.abort('players-missing');
    }, o.joinTimeoutMs);
    server.on('connection', (peer) => this.onConnection(peer));
    server.on('message', (peer, data, info) => {
      const player = this.playerOf(peer);
      if (player !== undefined && !this.over) this.guard(() => this.instance.onMessage?.(player, data, info));
    });
    server.on('disconnect', (peer, info) => this.onDisconnect(peer, info.reason));
    server.on('handshake-failed', (address, info) =>
      this.log.info({ address, code: `${info.code.major}.${info.code.minor}`, detail: info.detail }, 'handshake refused'),
    );
  }

  /** Binds the port (rejecting with the bind error, e.g. EADDRINUSE) and creates the game. */
  static async start(o: GameHostOptions): Promise<GameHost> {
    const ids = new Set(o.players.map((p) => BigInt(p.accountId)));
    const server = await createServer({
      host: o.host,
      port: o.port,
      identity: o.identity,
      servicePublicKey: o.servicePublicKey,
      requireClientCertificate: true,
      // refused before any per-connection state: a stranger costs one stateless reply
      admitClient: (cert) => cert !== undefined && ids.has(cert.accountId),
      maxConnections: o.players.length * 2 + 4,
      connection: { maxMessageSize: o.module.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES },
    });
    const host = new GameHost(o, server);
    try {
      host.instance = o.module.create(host.context());
    } catch (err) {
      clearTimeout(host.joinTimer);
      await server.close();
      throw err;
    }
    return host;
  }

  get port(): number {
    return this.server.address.port;
  }

  /** Ends the match without results (SIGTERM, parent gone, rules); no-op once ending. */
  abort(reason: string): void {
    if (this.over) return;
    this.over = true;
    this.log.info({ reason }, 'match aborted');
    this.ending = this.end(async () => reason);
  }

  private finish(results: readonly PlayerResult[]): Promise<void> {
    if (this.over) return this.ending;
    const problem = this.checkResults(results);
    if (problem !== undefined) {
      this.log.error({ problem }, 'game finished with invalid results');
      this.abort('game-error');
      return this.ending;
    }
    this.over = true;
    this.log.info({ results }, 'match finished');
    const posting = postResults({
      serviceUrl: this.o.serviceUrl,
      lobbyId: this.o.lobbyId,
      results,
      certificate: this.o.identity.certificate,
      seed: this.o.identity.privateSeed,
      logger: this.log,
    });
    this.ending = this.end(async () => OUTCOME_REASON[await posting]);
    return this.ending;
  }

  private checkResults(results: readonly PlayerResult[]): string | undefined {
    const seen = new Set<number>();
    for (const r of results) {
      if (!this.playersById.has(r.accountId)) return `account ${r.accountId} is not a player`;
      if (seen.has(r.accountId)) return `account ${r.accountId} appears twice`;
      if (!Number.isFinite(r.score)) return `score of ${r.accountId} is not a finite number`;
      seen.add(r.accountId);
    }
    return undefined;
  }

  private async end(reasonOf: () => Promise<string>): Promise<void> {
    // let the caller store `ending` first: onClose may call finish() again, which returns it
    await Promise.resolve();
    clearTimeout(this.joinTimer);
    this.guard(() => this.instance.onClose?.());
    // reasonOf may be the results post: it runs while the last messages drain
    const [reason] = await Promise.all([reasonOf(), this.drainThenClose()]);
    this.resolveEnded(reason);
  }

  /** close() drops queued messages, so first let the last ones (the match result) be acknowledged. */
  private async drainThenClose(): Promise<void> {
    const until = performance.now() + DRAIN_LIMIT_MS;
    const busy = (): boolean => [...this.server.peers.values()].some((p) => (p.stats?.bytesInFlight ?? 0) > 0);
    while (busy() && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
    await this.server.close();
  }

  /** A game callback that throws is a bug in the game: end the match rather than hang it. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, 'game callback threw');
      this.abort('game-error');
    }
  }

  private playerOf(peer: Peer): Player | undefined {
    const id = peer.certificate === undefined ? undefined : Number(peer.certificate.accountId);
    return id !== undefined && this.current.get(id) === peer ? this.playersById.get(id) : undefined;
  }

  private onConnection(peer: Peer): void {
    const id = peer.certificate === undefined ? undefined : Number(peer.certificate.accountId);
    const player = id === undefined ? undefined : this.playersById.get(id);
    if (player === undefined || this.over) {
      peer.disconnect(player === undefined ? 'not a player of this lobby' : 'the match is over');
      return;
    }
    const previous = this.current.get(player.accountId);
    if (previous !== undefined) {
      this.replaced.add(previous);
      previous.disconnect('replaced by a newer connection');
    }
    this.current.set(player.accountId, peer);
    this.log.info({ accountId: player.accountId, address: peer.address, replaced: previous !== undefined }, 'player joined');
    this.guard(() => this.instance.onJoin?.(player));
    if (!this.allJoined && this.current.size === this.o.players.length && !this.over) {
      this.allJoined = true;
      clearTimeout(this.joinTimer);
      this.guard(() => this.instance.onAllJoined?.());
    }
  }

  private onDisconnect(peer: Peer, reason: DisconnectReason): void {
    if (this.replaced.delete(peer)) return;
    const player = this.playerOf(peer);
    if (player === undefined) return;
    this.current.delete(player.accountId);
    if (this.over) return;
    this.log.info({ accountId: player.accountId, reason }, 'player left');
    this.guard(() => this.instance.onLeave?.(player, reason));
    if (this.allJoined && this.current.size === 0) this.abort('abandoned');
  }

  /** A connection that is going away refuses data; that must not take the match down. */
  private deliver(peer: Peer, data: Uint8Array, options: SendOptions | undefined): void {
    try {
      peer.send(data, options);
    } catch (err) {
      this.log.warn({ err, address: peer.address }, 'message not sent');
    }
  }

  private context(): GameContext {
    const players = this.o.players.map((p) => ({ accountId: p.accountId, username: p.username }));
    return {
      lobbyId: this.o.lobbyId,
      players,
      settings: this.o.settings,
      logger: this.log,
      connected: () => players.filter((p) => this.current.has(p.accountId)),
      // once ending, connections are closing and would refuse the data: nothing is sent
      send: (accountId: number, data: Uint8Array, options?: SendOptions) => {
        const peer = this.current.get(accountId);
        if (peer !== undefined && !this.over) this.deliver(peer, data, options);
      },
      broadcast: (data: Uint8Array, options?: SendOptions) => {
        if (!this.over) for (const peer of this.current.values()) this.deliver(peer, data, options);
      },
      finish: (results) => this.finish(results),
      abort: (reason) => this.abort(reason),
    };
  }
}
