/**
 * Runs one game-server child process per lobby (runner.ts) from the service process. Each child
 * gets a port from the pool, a fresh Ed25519 key and a certificate for `lobby:<id>` issued by
 * the service (whose own key never leaves the service process), over IPC.
 *
 * Lifecycle guarantees:
 * - a port is taken from the pool until the child holding it has exited (no double bind);
 * - a port held by a foreign process (EADDRINUSE) is skipped, and retried on a later start;
 * - a child that misses a ping deadline is SIGKILLed ('unhealthy'): a blocked event loop
 *   cannot serve players, and cannot answer a SIGTERM either;
 * - every child whose start() resolved ends with exactly one `ended` event, whatever the
 *   cause, after it was reaped and its port released. A start() that rejects emits nothing.
 *
 * End reasons: those reported by the runner on a clean exit ('finished', 'results-refused',
 * 'results-unposted', 'players-missing', 'abandoned', 'game-error', or a game's own abort
 * reason), and 'stopped' (stop() or closeAll()), 'unhealthy', 'crashed' (any other exit; the
 * exit code and signal are in the event's third argument and the log).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { packageRoot } from '../../native.js';
import type { CertificateFields } from '../../protocol/handshake/certificate.js';
import { ed25519PublicKey } from '../../protocol/handshake/ed25519.js';
import { ServiceError } from '../accounts/errors.js';
import type { GameSettings, Player } from './game-module.js';
import { isChildMessage, type ChildMessage, type ParentMessage, type StartMessage } from './ipc.js';
import { PortPool, type PortRange } from './port-pool.js';

export interface GameServerSupervisorOptions {
  /** Bind address of the game servers. Default 127.0.0.1. */
  readonly host?: string;
  /** The host clients are told to connect to. Default `host` (set it when binding 0.0.0.0). */
  readonly advertisedHost?: string;
  readonly ports: PortRange;
  /** Base URL of the accounts service, for `POST /scores`. */
  readonly serviceUrl: string;
  readonly servicePublicKey: Uint8Array;
  /** Signs a certificate with the service key (which stays in the service process). */
  readonly issueServerCertificate: (fields: CertificateFields) => Uint8Array;
  /** Game module name → absolute path of its built .js file. */
  readonly modules: Readonly<Record<string, string>>;
  /** Default 1000 ms. */
  readonly healthIntervalMs?: number;
  /** A ping unanswered this long kills the child. Default 5000 ms. */
  readonly healthTimeoutMs?: number;
  /** From fork to `ready`. Default 10000 ms. */
  readonly startTimeoutMs?: number;
  /** stop(): SIGTERM, then SIGKILL after this long. Default 5000 ms. */
  readonly stopGraceMs?: number;
  /** Passed to each runner: every player must have joined by then. Default 60000 ms. */
  readonly joinTimeoutMs?: number;
  /** Server certificate lifetime; longer than any match. Default 6 h. */
  readonly certificateLifetimeMs?: number;
  readonly logger: Logger;
  /** The children's pino level. Default the logger's level. */
  readonly childLogLevel?: string;
  /** Default `dist/lib/services/gameservers/runner.js` of this package. */
  readonly runnerPath?: string;
}

export interface StartGameServer {
  readonly lobbyId: number;
  /** A key of `modules`. */
  readonly module: string;
  readonly players: readonly Player[];
  /** Handed to the game as `ctx.settings`. Default {}. */
  readonly settings?: GameSettings;
}

export interface StartedGameServer {
  readonly host: string;
  readonly port: number;
  /** The server certificate, for clients to pin. */
  readonly certificate: Uint8Array;
  readonly pid: number;
}

export interface EndedInfo {
  readonly pid: number;
  readonly port: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SupervisorEvents {
  ended: [lobbyId: number, reason: string, info: EndedInfo];
}

interface ChildRecord {
  readonly lobbyId: number;
  readonly port: number;
  readonly proc: ChildProcess;
  readonly exited: Promise<void>;
  running: boolean;
  /** The runner's own `ended` report. */
  reported?: string;
  /** Set when the supervisor kills it for cause. */
  killedFor?: string;
  stopRequested: boolean;
  pingId: number;
  pingSentAt?: number;
  health?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
  onStartOutcome?: (outcome: LaunchOutcome) => void;
}

type LaunchOutcome = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly detail: string };

const SIX_HOURS_MS = 6 * 3600_000;

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * A programming error of the caller (the service builds the list), hence RangeError. Account 0
 * is the game servers' own certificate id, so it can never be a player.
 */
function checkPlayers(players: readonly Player[]): void {
  const ids = new Set<number>();
  for (const p of players) {
    if (!Number.isSafeInteger(p.accountId) || p.accountId <= 0) throw new RangeError(`bad player account id ${p.accountId}`);
    if (typeof p.username !== 'string') throw new RangeError(`player ${p.accountId} has no username`);
    if (ids.has(p.accountId)) throw new RangeError(`player ${p.accountId} is listed twice`);
    ids.add(p.accountId);
  }
  if (ids.size === 0) throw new RangeError('a game server needs at least one player');
}

export class GameServerSupervisor extends EventEmitter<SupervisorEvents> {
  private readonly pool: PortPool;
  private readonly children = new Map<number, ChildRecord>();
  /** Lobbies inside start(), and the children forked for them not yet ready. */
  private readonly starting = new Set<number>();
  private readonly launching = new Set<ChildRecord>();
  private readonly log: Logger;
  private readonly host: string;
  private readonly runnerPath: string;
  private closed = false;

  constructor(private readonly o: GameServerSupervisorOptions) {
    super();
    this.pool = new PortPool(o.ports);
    this.host = o.host ?? '127.0.0.1';
    this.runnerPath = o.runnerPath ?? join(packageRoot, 'dist/lib/services/gameservers/runner.js');
    // found now rather than as a child dying at every start
    if (!existsSync(this.runnerPath)) throw new Error(`game-server runner not found at ${this.runnerPath} (run npm run build:ts)`);
    this.log = o.logger.child({ component: 'game-servers' });
  }

  hasFreePort(): boolean {
    return this.pool.freeCount > 0;
  }

  /** Children with a match in progress (ready, not yet exited). */
  get running(): number {
    return this.children.size;
  }

  get freePorts(): number {
    return this.pool.freeCount;
  }

  get totalPorts(): number {
    return this.pool.size;
  }

  get ports(): PortRange {
    return this.pool.range;
  }

  isRunning(lobbyId: number): boolean {
    return this.children.has(lobbyId);
  }

  /**
   * Starts the lobby's game server and resolves once its port is bound. Rejects with
   * ServiceError NO_GAME_SERVER when no port is free (or every free one is held by someone else),
   * GAME_NOT_FOUND for an unknown module, INTERNAL when the child fails otherwise.
   */
  async start(request: StartGameServer): Promise<StartedGameServer> {
    const { lobbyId } = request;
    if (this.closed) throw new ServiceError('INTERNAL', 'the game-server supervisor is closed');
    const modulePath = this.o.modules[request.module];
    if (modulePath === undefined) throw new ServiceError('GAME_NOT_FOUND', `no game module "${request.module}"`);
    checkPlayers(request.players);
    if (this.starting.has(lobbyId) || this.children.has(lobbyId)) {
      throw new ServiceError('INTERNAL', `lobby ${lobbyId} already has a game server`);
    }
    this.starting.add(lobbyId);
    const seed = randomBytes(32);
    const busy: number[] = [];
    try {
      const certificate = this.o.issueServerCertificate({
        accountId: 0n,
        username: `lobby:${lobbyId}`,
        publicKey: ed25519PublicKey(seed),
        expiryMs: Date.now() + (this.o.certificateLifetimeMs ?? SIX_HOURS_MS),
      });
      for (;;) {
        const port = this.pool.acquire();
        if (port === undefined) throw new ServiceError('NO_GAME_SERVER');
        const message: StartMessage = {
          type: 'start',
          lobbyId,
          modulePath,
          host: this.host,
          port,
          players: request.players,
          settings: request.settings ?? {},
          certificate: base64(certificate),
          seed: base64(seed),
          servicePublicKey: base64(this.o.servicePublicKey),
          serviceUrl: this.o.serviceUrl,
          joinTimeoutMs: this.o.joinTimeoutMs ?? 60_000,
          logLevel: this.o.childLogLevel ?? this.o.logger.level,
        };
        const { child, outcome } = await this.launch(message);
        if (outcome.ok) {
          this.log.info({ lobbyId, port, pid: child.proc.pid, module: request.module }, 'game server started');
          return { host: this.o.advertisedHost ?? this.host, port, certificate, pid: child.proc.pid ?? 0 };
        }
        if (outcome.code === 'EADDRINUSE') {
          // keep it out of this loop; it goes back to the pool (at the back) afterwards
          this.log.warn({ lobbyId, port }, 'game-server port held by another process; trying the next');
          busy.push(port);
          continue;
        }
        this.pool.release(port);
        this.log.error({ lobbyId, port, code: outcome.code, detail: outcome.detail }, 'game server failed to start');
        throw new ServiceError('INTERNAL', `game server for lobby ${lobbyId} failed to start: ${outcome.detail}`);
      }
    } finally {
      for (const port of busy) this.pool.release(port);
      this.starting.delete(lobbyId);
    }
  }

  /** SIGTERM (the runner aborts the match gracefully), SIGKILL after the grace period. */
  async stop(lobbyId: number): Promise<void> {
    const child = this.children.get(lobbyId);
    if (child === undefined) return;
    child.stopRequested = true;
    child.proc.kill('SIGTERM');
    child.killTimer ??= setTimeout(() => child.proc.kill('SIGKILL'), this.o.stopGraceMs ?? 5000);
    await child.exited;
  }

  /** Stops every game server (and kills those still starting); later start() calls reject. */
  async closeAll(): Promise<void> {
    this.closed = true;
    for (const child of this.launching) child.proc.kill('SIGKILL');
    await Promise.all([...this.children.keys()].map((id) => this.stop(id)));
    await Promise.all([...this.launching].map((c) => c.exited));
  }

  /** Forks a runner for `message.port`; resolves when it is ready or has failed and exited. */
  private async launch(message: StartMessage): Promise<{ child: ChildRecord; outcome: LaunchOutcome }> {
    const proc = fork(this.runnerPath, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // no inherited --inspect or loader flags: each child would fight for them
      execArgv: [],
      serialization: 'json',
    });
    let markExited!: () => void;
    const child: ChildRecord = {
      lobbyId: message.lobbyId,
      port: message.port,
      proc,
      exited: new Promise<void>((resolve) => (markExited = resolve)),
      running: false,
      stopRequested: false,
      pingId: 0,
    };
    this.launching.add(child);
    const outcome = new Promise<LaunchOutcome>((resolve) => {
      const timer = setTimeout(
        () => resolve({ ok: false, code: 'TIMEOUT', detail: `not ready within ${this.o.startTimeoutMs ?? 10_000} ms` }),
        this.o.startTimeoutMs ?? 10_000,
      );
      child.onStartOutcome = (o) => {
        clearTimeout(timer);
        child.onStartOutcome = undefined;
        // synchronously, so that an exit right after `ready` already finds it running
        if (o.ok && !this.closed) this.activate(child);
        resolve(o);
      };
    });
    // 'close' comes after 'exit' and after the IPC channel drained: the last report is in
    proc.once('close', (code, signal) => {
      child.onStartOutcome?.({ ok: false, code: 'EXITED', detail: `exited (code ${code}, signal ${signal}) before it was ready` });
      if (child.running) this.onExit(child, code, signal);
      markExited();
    });
    proc.on('error', (err) => {
      this.log.warn({ err, lobbyId: child.lobbyId }, 'game-server child process error');
      // no pid: the spawn itself failed, and there may never be a 'close' to wait for
      if (proc.pid === undefined) {
        child.onStartOutcome?.({ ok: false, code: 'SPAWN', detail: String(err) });
        markExited();
      }
    });
    proc.on('message', (raw: unknown) => this.onMessage(child, raw));
    this.post(child, message);
    const result = await outcome;
    this.launching.delete(child);
    if (child.running) return { child, outcome: result };
    proc.kill('SIGKILL');
    await child.exited;
    return { child, outcome: result.ok ? { ok: false, code: 'CLOSED', detail: 'the supervisor closed' } : result };
  }

  private activate(child: ChildRecord): void {
    child.running = true;
    this.children.set(child.lobbyId, child);
    child.health = setInterval(() => this.checkHealth(child), this.o.healthIntervalMs ?? 1000);
  }

  private onMessage(child: ChildRecord, raw: unknown): void {
    if (!isChildMessage(raw)) {
      this.log.warn({ lobbyId: child.lobbyId }, 'unknown IPC message from a game server');
      return;
    }
    const m: ChildMessage = raw;
    switch (m.type) {
      case 'ready':
        child.onStartOutcome?.({ ok: true });
        break;
      case 'failed':
        child.onStartOutcome?.({ ok: false, code: m.code, detail: m.detail });
        break;
      case 'pong':
        if (m.id === child.pingId) child.pingSentAt = undefined;
        break;
      case 'ended':
        child.reported = m.reason;
        break;
    }
  }

  private checkHealth(child: ChildRecord): void {
    const now = performance.now();
    if (child.pingSentAt === undefined) {
      child.pingSentAt = now;
      this.post(child, { type: 'ping', id: ++child.pingId });
    } else if (now - child.pingSentAt >= (this.o.healthTimeoutMs ?? 5000)) {
      this.log.error({ lobbyId: child.lobbyId, pid: child.proc.pid }, 'game server stopped answering pings; killing it');
      child.killedFor ??= 'unhealthy';
      clearInterval(child.health);
      child.proc.kill('SIGKILL');
    }
  }

  private post(child: ChildRecord, message: ParentMessage): void {
    if (!child.proc.connected) return;
    // the callback swallows ERR_IPC_CHANNEL_CLOSED: the 'close' handler deals with the exit
    child.proc.send(message, (err) => {
      if (err !== null) this.log.debug({ err, lobbyId: child.lobbyId }, 'IPC send failed');
    });
  }

  private onExit(child: ChildRecord, exitCode: number | null, signal: NodeJS.Signals | null): void {
    clearInterval(child.health);
    clearTimeout(child.killTimer);
    this.children.delete(child.lobbyId);
    this.pool.release(child.port);
    const reason =
      child.killedFor ??
      (exitCode === 0 && child.reported !== undefined ? child.reported : child.stopRequested ? 'stopped' : 'crashed');
    const pid = child.proc.pid ?? 0;
    const fields = { lobbyId: child.lobbyId, pid, port: child.port, reason, exitCode, signal };
    if (reason === 'crashed' || reason === 'unhealthy') this.log.error(fields, 'game server ended');
    else this.log.info(fields, 'game server ended');
    this.emit('ended', child.lobbyId, reason, { pid, port: child.port, exitCode, signal });
  }
}
