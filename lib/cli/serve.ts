/**
 * `paperclip serve`: the accounts service with its game-server pool, on embedded defaults
 * (SQLite file and key file in the working directory, loopback). Flags override PAPERCLIP_*
 * variables, which override the defaults (README "Configuration").
 */
import type { Command } from 'commander';
import { configFromEnv, defaultPublicHost, loadGamesFile, parseRateLimit, parseDbUrl, parsePort, parsePortRange, type ServiceConfig } from '../services/accounts/config.js';
import { startService } from '../services/accounts/service.js';

interface ServeFlags {
  host?: string;
  httpPort?: string;
  udpPorts?: string;
  db?: string;
  publicHost?: string;
  keyFile?: string;
  tokenTtl?: string;
  logLevel?: string;
  games?: string;
  authRateLimit?: string;
}

export function resolveServeConfig(flags: ServeFlags, env: NodeJS.ProcessEnv): ServiceConfig {
  const base = configFromEnv(env);
  const host = flags.host ?? base.host;
  return {
    ...base,
    host,
    httpPort: flags.httpPort !== undefined ? parsePort('--http-port', flags.httpPort) : base.httpPort,
    udpPorts: flags.udpPorts !== undefined ? parsePortRange('--udp-ports', flags.udpPorts) : base.udpPorts,
    db: flags.db !== undefined ? parseDbUrl('--db', flags.db) : base.db,
    publicHost: flags.publicHost ?? (flags.host !== undefined && env.PAPERCLIP_PUBLIC_HOST === undefined ? defaultPublicHost(host) : base.publicHost),
    keyFile: flags.keyFile ?? base.keyFile,
    tokenTtlMs: flags.tokenTtl !== undefined ? parsePort('--token-ttl', flags.tokenTtl) * 1000 : base.tokenTtlMs,
    logLevel: flags.logLevel ?? base.logLevel,
    games: flags.games !== undefined ? loadGamesFile(flags.games) : base.games,
    authRateLimit: flags.authRateLimit !== undefined ? parseRateLimit('--auth-rate-limit', flags.authRateLimit) : base.authRateLimit,
  };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the accounts, lobby and matchmaking service with its game-server pool')
    .option('--host <addr>', 'HTTP and game-server bind address (env PAPERCLIP_HOST)')
    .option('--http-port <n>', 'HTTP port (env PAPERCLIP_HTTP_PORT, default 8080)')
    .option('--udp-ports <from-to>', 'game-server UDP port pool (env PAPERCLIP_UDP_PORTS, default 40000-40099)')
    .option('--db <url>', 'sqlite:<path> or postgres://… (env PAPERCLIP_DB, default sqlite:paperclip.db)')
    .option('--public-host <addr>', 'address given to clients for game servers (env PAPERCLIP_PUBLIC_HOST)')
    .option('--key-file <path>', 'service Ed25519 seed file (env PAPERCLIP_KEY_FILE, default paperclip-service.key)')
    .option('--token-ttl <seconds>', 'session token lifetime (env PAPERCLIP_TOKEN_TTL, default 3600)')
    .option('--games <file>', 'JSON list of games (env PAPERCLIP_GAMES, default: rps for 2)')
    .option('--auth-rate-limit <n|off>', 'auth requests per minute per address (env PAPERCLIP_AUTH_RATE_LIMIT, default 30)')
    .option('--log-level <level>', 'pino log level (env PAPERCLIP_LOG_LEVEL, default info)')
    .action(async (flags: ServeFlags) => {
      const config = resolveServeConfig(flags, process.env);
      const service = await startService(config);
      const { from, to } = config.udpPorts;
      process.stdout.write(
        [
          `paperclip-net service listening`,
          `  API        ${service.url}   (OpenAPI: ${service.url}/openapi.json)`,
          `  metrics    ${service.url}/metrics`,
          `  storage    ${service.repo.kind} (${config.db.startsWith('sqlite:') ? config.db : 'postgres'})`,
          `  games      UDP ${config.host} ports ${from}-${to}, advertised as ${config.publicHost}`,
          `  Ctrl-C stops (game servers are told to disconnect their players)`,
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      process.stdout.write('stopping…\n');
      await service.close();
    });
}
