/**
 * Connects lobbies to game-server processes. A lobby that fills is started when a port is free
 * (full → starting → running), else it waits in status `full` and is started, oldest first, when
 * a server ends. When a server process ends for any reason its lobby is ended with that reason.
 *
 * Several service processes may share one database; each owns the game servers it started and
 * must have its own port range, which is how a restarted process recognises (by host and port)
 * the lobbies its previous life left running and ends them.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ServiceMetrics } from './metrics.js';
import type { Game, Lobby, Repository } from './storage/types.js';

export interface StartedGameServer {
  readonly host: string;
  readonly port: number;
  readonly certificate: Uint8Array;
  readonly pid: number;
}

/** What this needs from lib/services/gameservers' supervisor. */
export interface GameServerPool extends EventEmitter<{ ended: [lobbyId: number, reason: string] }> {
  hasFreePort(): boolean;
  start(request: { lobbyId: number; module: string; players: { accountId: number; username: string }[] }): Promise<StartedGameServer>;
  closeAll(): Promise<void>;
  readonly running: number;
  readonly freePorts: number;
}

export interface LobbyServersOptions {
  readonly repo: Repository;
  readonly pool: GameServerPool;
  readonly metrics: ServiceMetrics;
  readonly log: Logger;
  readonly now: () => number;
  /** Advertised host and port range of this process (to recognise its own stale lobbies). */
  readonly publicHost: string;
  readonly ports: { readonly from: number; readonly to: number };
  /** How often lobbies waiting for a port (possibly filled through another process) are retried. */
  readonly retryIntervalMs?: number;
}

export class LobbyServers {
  private readonly games = new Map<number, Game>();
  /** Game-server process ids of this process's running lobbies (for operators and fault tests). */
  private readonly pids = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private closed = false;
  /** Starts in flight, so close() can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly o: LobbyServersOptions) {
    o.pool.on('ended', (lobbyId, reason) => this.track(this.onEnded(lobbyId, reason)));
  }

  /** Ends lobbies a previous run of this process left starting/running, then starts waiting ones. */
  async start(games: readonly Game[]): Promise<void> {
    for (const g of games) this.games.set(g.id, g);
    const stale = await this.o.repo.listLobbies({ status: ['starting', 'running'], limit: 100_000 });
    for (const lobby of stale) {
      const mine = lobby.server === null || (lobby.server.host === this.o.publicHost && lobby.server.port >= this.o.ports.from && lobby.server.port <= this.o.ports.to);
      if (mine && (await this.o.repo.endLobby(lobby.id, 'service-restarted', this.o.now()))) {
        this.o.log.warn({ lobbyId: lobby.id }, 'ended a lobby whose game server belonged to a previous run');
      }
    }
    this.updateGauges();
    this.timer = setInterval(() => void this.drain(), this.o.retryIntervalMs ?? 2000);
    this.timer.unref();
    await this.drain();
  }

  /** The lobby route's hook: a lobby just became full. */
  lobbyFull(lobby: Lobby, game: Game): void {
    this.games.set(game.id, game);
    if (game.module === null || this.closed) return;
    this.track(this.launch(lobby, game));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
    await this.o.pool.closeAll();
    // the 'ended' handlers of the servers just stopped record their lobbies before storage closes
    await Promise.allSettled([...this.inFlight]);
    await this.draining;
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async launch(lobby: Lobby, game: Game): Promise<void> {
    if (game.module === null || !this.o.pool.hasFreePort()) return; // stays `full`; drained later
    if (!(await this.o.repo.transitionLobby(lobby.id, 'full', 'starting'))) return; // another process has it
    const players = lobby.members.map((m) => ({ accountId: m.accountId, username: m.username }));
    try {
      const server = await this.o.pool.start({ lobbyId: lobby.id, module: game.module, players });
      this.pids.set(lobby.id, server.pid);
      this.o.metrics.gameServersStarted.inc();
      const advertised = { host: server.host, port: server.port, certificate: server.certificate };
      if (!(await this.o.repo.transitionLobby(lobby.id, 'starting', 'running', advertised))) {
        this.o.log.warn({ lobbyId: lobby.id }, 'lobby ended while its server started');
      } else {
        this.o.log.info({ lobbyId: lobby.id, port: server.port, pid: server.pid }, 'game server running');
      }
    } catch (e) {
      this.o.log.error({ lobbyId: lobby.id, err: e }, 'game server failed to start');
      await this.o.repo.endLobby(lobby.id, 'server-failed', this.o.now());
    } finally {
      this.updateGauges();
    }
  }

  /** The process id of a lobby's game server, while this process runs it. */
  pidOf(lobbyId: number): number | undefined {
    return this.pids.get(lobbyId);
  }

  private async onEnded(lobbyId: number, reason: string): Promise<void> {
    this.pids.delete(lobbyId);
    this.o.metrics.gameServersEnded.inc({ reason });
    this.updateGauges();
    try {
      if (await this.o.repo.endLobby(lobbyId, reason, this.o.now())) this.o.log.info({ lobbyId, reason }, 'lobby ended');
    } catch (e) {
      this.o.log.error({ lobbyId, err: e }, 'could not end the lobby of a finished game server');
    }
    if (!this.closed) await this.drain();
  }

  /** Starts waiting lobbies while ports are free (one drain at a time). */
  private drain(): Promise<void> {
    this.draining ??= (async () => {
      try {
        while (!this.closed && this.o.pool.hasFreePort()) {
          const waiting = await this.o.repo.lobbiesAwaitingServer(this.o.pool.freePorts);
          const startable = waiting.filter((l) => this.games.get(l.gameId)?.module != null);
          if (startable.length === 0) break;
          await Promise.all(startable.map((l) => this.launch(l, this.games.get(l.gameId) as Game)));
        }
      } catch (e) {
        this.o.log.error({ err: e }, 'starting waiting lobbies failed');
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  private updateGauges(): void {
    this.o.metrics.gameServersRunning.set(this.o.pool.running);
    this.o.metrics.gameServerPortsFree.set(this.o.pool.freePorts);
  }
}
