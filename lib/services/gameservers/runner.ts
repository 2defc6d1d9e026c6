/**
 * Game-server child process entry point: `node dist/lib/services/gameservers/runner.js`, forked
 * by the supervisor with an IPC channel. It waits for one `start` message, loads the game module,
 * binds the port and answers `ready` (or `failed`, then exits 1); it answers every `ping` with a
 * `pong` so the supervisor can tell a hung process from a busy one. When the match ends it
 * reports `ended` with the reason and exits 0.
 *
 * It never outlives its parent: when the IPC channel closes (the service died or was killed)
 * the match is aborted and the process exits, so no orphan keeps a port or a player waiting.
 * SIGTERM (the supervisor's stop) aborts the match gracefully: players get a disconnect.
 */
import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import { isGameModule, type GameModule } from './game-module.js';
import { GameHost } from './game-host.js';
import { isParentMessage, type ChildMessage, type StartMessage } from './ipc.js';

/** An aborted match closes within the disconnect timeout (2 s); this bounds a stuck close. */
const EXIT_DEADLINE_MS = 5000;

/** Synchronous: the process ends with process.exit(), which would lose buffered lines. */
const stderr = pino.destination({ dest: 2, sync: true });
let log: Logger = pino({ base: { pid: process.pid, role: 'game-server' } }, stderr);
let host: GameHost | undefined;
let starting = false;
let exiting = false;

function tell(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function exit(code: number, message?: ChildMessage): Promise<never> {
  exiting = true;
  if (message !== undefined) await tell(message);
  process.exit(code);
}

/** Ends the match the graceful way, but the process ends in any case. */
function shutdown(reason: string): void {
  if (exiting) return;
  exiting = true;
  setTimeout(() => process.exit(1), EXIT_DEADLINE_MS).unref();
  if (host === undefined) process.exit(0);
  host.abort(reason);
}

async function loadModule(path: string): Promise<GameModule> {
  const imported = (await import(pathToFileURL(path).href)) as { default?: unknown };
  if (!isGameModule(imported.default)) throw new Error(`${path}: the default export is not a GameModule`);
  return imported.default;
}

function decode(base64: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

async function start(m: StartMessage): Promise<void> {
  log = pino({ level: m.logLevel, base: { pid: process.pid, role: 'game-server', lobbyId: m.lobbyId } }, stderr);
  let module: GameModule;
  try {
    module = await loadModule(m.modulePath);
  } catch (err) {
    log.error({ err, modulePath: m.modulePath }, 'game module did not load');
    return exit(1, { type: 'failed', code: 'MODULE', detail: String(err) });
  }
  try {
    host = await GameHost.start({
      lobbyId: m.lobbyId,
      module,
      players: m.players,
      settings: m.settings,
      host: m.host,
      port: m.port,
      identity: { certificate: decode(m.certificate), privateSeed: decode(m.seed) },
      servicePublicKey: decode(m.servicePublicKey),
      serviceUrl: m.serviceUrl,
      joinTimeoutMs: m.joinTimeoutMs,
      logger: log.child({ game: module.name }),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'START';
    log.error({ err, port: m.port }, 'game server did not start');
    return exit(1, { type: 'failed', code, detail: String(err) });
  }
  // a SIGTERM that arrived while binding: honour it now that there is a match to abort
  if (exiting) host.abort('stopped');
  log.info({ port: host.port, module: module.name, players: m.players.length }, 'game server ready');
  await tell({ type: 'ready', port: host.port });
  const reason = await host.ended;
  log.info({ reason }, 'game server exiting');
  await exit(0, { type: 'ended', reason });
}

if (process.send === undefined) {
  log.fatal('runner.js must be forked with an IPC channel (it is started by GameServerSupervisor)');
  process.exit(2);
}

process.on('message', (raw: unknown) => {
  if (!isParentMessage(raw)) {
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    // a start we cannot read must fail now, not at the supervisor's start timeout
    if (type === 'start' && !starting) void exit(1, { type: 'failed', code: 'BAD_START', detail: 'malformed start message' });
    else log.warn({ type }, 'unknown IPC message ignored');
  } else if (raw.type === 'ping') {
    void tell({ type: 'pong', id: raw.id });
  } else if (!starting) {
    starting = true;
    void start(raw);
  }
});
process.on('disconnect', () => {
  log.warn('IPC channel closed (supervisor gone): aborting');
  shutdown('supervisor-gone');
});
process.on('SIGTERM', () => {
  log.info('SIGTERM: stopping');
  if (host !== undefined) shutdown('stopped');
  else if (!starting) process.exit(0);
  else exiting = true;
});
process.on('uncaughtException', (err) => {
  log.fatal({ err }, 'uncaught exception');
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  log.fatal({ err }, 'unhandled rejection');
  process.exit(1);
});
