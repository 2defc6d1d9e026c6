/** Game servers: one child process per lobby, supervised from the accounts service. */
import { join } from 'node:path';
import { packageRoot } from '../../native.js';

export { GameServerSupervisor } from './supervisor.js';
export type { GameServerSupervisorOptions, StartGameServer, StartedGameServer, EndedInfo, SupervisorEvents } from './supervisor.js';
export { PortPool } from './port-pool.js';
export type { PortRange } from './port-pool.js';
export { isGameModule } from './game-module.js';
export type { GameModule, GameContext, GameInstance, GameSettings, Player, PlayerResult } from './game-module.js';

/**
 * The games shipped with the package: name → absolute path of the built module. Built files,
 * not sources: the runner is a plain `node` process without a TypeScript loader.
 */
export function builtinModules(): Record<string, string> {
  return { rps: join(packageRoot, 'dist/lib/services/gameservers/modules/rps.js') };
}
