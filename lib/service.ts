/**
 * `paperclip-net/service`: the accounts, lobby and matchmaking service and its game-server pool,
 * for embedding (`paperclip serve` is this plus flag parsing). Kept apart from the main entry so
 * that clients never load Fastify or the database drivers.
 */
export { startService } from './services/accounts/service.js';
export type { RunningService, StartOptions } from './services/accounts/service.js';
export { DEFAULT_CONFIG, DEFAULT_GAMES, SETTINGS, applySettings, configFromEnv, settingsFromEnv, loadGamesFile } from './services/accounts/config.js';
export type { ServiceConfig, RateLimit, SettingValues, SettingRow } from './services/accounts/config.js';
export { ServiceError, ServiceErrorCode } from './services/accounts/errors.js';
export type { ErrorBody, ServiceErrorCodeName } from './services/accounts/errors.js';
export { openRepository } from './services/accounts/storage/index.js';
export type * from './services/accounts/storage/types.js';
export { GameServerSupervisor, builtinModules } from './services/gameservers/index.js';
export type { GameServerSupervisorOptions, StartedGameServer } from './services/gameservers/index.js';
