/**
 * `paperclip serve`: the accounts service with its game-server pool, on embedded defaults
 * (SQLite file and key file in the working directory, loopback). Flags override PAPERCLIP_*
 * variables, which override the defaults (README "Configuration").
 */
import type { Command } from 'commander';
import { SETTINGS, applySettings, configFromEnv, flagName, type ServiceConfig, type SettingValues } from '../services/accounts/config.js';

export function resolveServeConfig(flags: SettingValues, env: NodeJS.ProcessEnv): ServiceConfig {
  // a --host flag advertises that host unless a public host is given either way
  const publicHost = flags.publicHost ?? env.PAPERCLIP_PUBLIC_HOST;
  return applySettings(configFromEnv(env), { ...flags, ...(publicHost !== undefined ? { publicHost } : {}) }, flagName);
}

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('run the accounts, lobby and matchmaking service with its game-server pool');
  for (const row of SETTINGS) command.option(row.flag, `${row.description} (env ${row.env}, default ${row.default})`);
  command
    .action(async (flags: SettingValues) => {
      const config = resolveServeConfig(flags, process.env);
      // loaded here, not at the top: Fastify and the database drivers cost every other command ~1 s
      const { startService } = await import('../services/accounts/service.js');
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
