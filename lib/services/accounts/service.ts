/**
 * `startService()`: the whole accounts service in one call — storage (migrated), the signing key,
 * the game-server pool, the HTTP API — listening on the configured address. `paperclip serve`
 * is this plus flag parsing; tests start it on port 0 with their own clock and database.
 */
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { issueCertificate } from '../../protocol/handshake/certificate.js';
import { GameServerSupervisor, builtinModules } from '../gameservers/index.js';
import { buildApp } from './app.js';
import type { ServiceConfig } from './config.js';
import type { ServiceContext } from './context.js';
import { LobbyServers } from './lobby-servers.js';
import { createMetrics } from './metrics.js';
import { loadOrCreateServiceKey, type ServiceKey } from './service-key.js';
import { openRepository } from './storage/index.js';
import type { Repository } from './storage/types.js';

export interface StartOptions {
  /** Defaults to a pino logger at config.logLevel on stderr. */
  readonly logger?: Logger;
  /** Defaults to Date.now. */
  readonly now?: () => number;
  /** Defaults to the key in config.keyFile. */
  readonly key?: ServiceKey;
  /** Game module name → built .js path; defaults to the built-in modules (rps). */
  readonly modules?: Record<string, string>;
  /** Process-wide default metrics (event loop, memory); default true. Off in tests. */
  readonly defaultMetrics?: boolean;
}

export interface RunningService {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly repo: Repository;
  readonly key: ServiceKey;
  readonly lobbyServers: LobbyServers;
  readonly supervisor: GameServerSupervisor;
  /** Stops accepting requests, ends game servers, closes storage. */
  close(): Promise<void>;
}

export async function startService(config: ServiceConfig, options: StartOptions = {}): Promise<RunningService> {
  const log = options.logger ?? pino({ level: config.logLevel }, pino.destination(2));
  const now = options.now ?? Date.now;
  const key = options.key ?? loadOrCreateServiceKey(config.keyFile);
  const repo = await openRepository(config.db);
  try {
    const games = await repo.upsertGames(config.games);
    const metrics = createMetrics(options.defaultMetrics ?? true);

    // the game servers post results to this service, so the URL is known only after listen()
    let serviceUrl = '';
    const supervisor = new GameServerSupervisor({
      host: config.host,
      advertisedHost: config.publicHost,
      ports: config.udpPorts,
      get serviceUrl() {
        return serviceUrl;
      },
      servicePublicKey: key.publicKey,
      issueServerCertificate: (fields) => issueCertificate(key.seed, fields),
      modules: options.modules ?? builtinModules(),
      joinTimeoutMs: config.joinTimeoutMs,
      logger: log.child({ component: 'gameservers' }),
    });
    const lobbyServers = new LobbyServers({
      repo,
      pool: supervisor,
      metrics,
      log: log.child({ component: 'lobbies' }),
      now,
      publicHost: config.publicHost,
      ports: config.udpPorts,
    });
    const ctx: ServiceContext = { repo, config, key, now, metrics, onLobbyFull: (lobby, game) => lobbyServers.lobbyFull(lobby, game) };
    const app = await buildApp(ctx, { logger: log.child({ component: 'http' }) });
    await app.listen({ host: config.host, port: config.httpPort });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.httpPort;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    serviceUrl = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
    await lobbyServers.start(games);
    log.info({ url: serviceUrl, storage: repo.kind, udpPorts: config.udpPorts }, 'accounts service listening');

    let closing: Promise<void> | undefined;
    return {
      url: serviceUrl,
      port,
      app,
      repo,
      key,
      lobbyServers,
      supervisor,
      close: () =>
        (closing ??= (async () => {
          await app.close();
          await lobbyServers.close();
          await repo.close();
        })()),
    };
  } catch (e) {
    await repo.close();
    throw e;
  }
}
