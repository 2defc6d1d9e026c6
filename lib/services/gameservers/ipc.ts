/**
 * The IPC messages between the supervisor (service process) and a runner (game-server child).
 * They travel as JSON over the fork() channel, so bytes are base64. The channel is also how the
 * server's private seed reaches the child: never argv or the environment, which other local
 * users can read (/proc/<pid>/cmdline, /proc/<pid>/environ).
 */
import type { GameSettings, Player } from './game-module.js';

export interface StartMessage {
  readonly type: 'start';
  readonly lobbyId: number;
  /** Absolute path of the game module's .js file. */
  readonly modulePath: string;
  readonly host: string;
  readonly port: number;
  readonly players: readonly Player[];
  readonly settings: GameSettings;
  /** The server certificate, base64. */
  readonly certificate: string;
  /** The Ed25519 seed the certificate names, base64. */
  readonly seed: string;
  readonly servicePublicKey: string;
  /** Base URL of the accounts service; results go to `${serviceUrl}/scores`. */
  readonly serviceUrl: string;
  readonly joinTimeoutMs: number;
  /** pino level for the child's logs. */
  readonly logLevel: string;
}

export type ParentMessage = StartMessage | { readonly type: 'ping'; readonly id: number };

export type ChildMessage =
  | { readonly type: 'ready'; readonly port: number }
  /** `code`: the errno code when the bind failed (EADDRINUSE lets the supervisor try another port). */
  | { readonly type: 'failed'; readonly code: string; readonly detail: string }
  | { readonly type: 'pong'; readonly id: number }
  /** Sent just before a clean exit: why the match ended. */
  | { readonly type: 'ended'; readonly reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isChildMessage(value: unknown): value is ChildMessage {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'ready':
      return typeof value.port === 'number';
    case 'failed':
      return typeof value.code === 'string' && typeof value.detail === 'string';
    case 'pong':
      return typeof value.id === 'number';
    case 'ended':
      return typeof value.reason === 'string';
    default:
      return false;
  }
}

function isPlayer(value: unknown): value is Player {
  return isRecord(value) && Number.isSafeInteger(value.accountId) && typeof value.username === 'string';
}

/** The parent is trusted, but a shape check turns a version skew into a clear 'failed'. */
export function isParentMessage(value: unknown): value is ParentMessage {
  if (!isRecord(value)) return false;
  if (value.type === 'ping') return typeof value.id === 'number';
  if (value.type !== 'start') return false;
  const strings = ['modulePath', 'host', 'certificate', 'seed', 'servicePublicKey', 'serviceUrl', 'logLevel'] as const;
  return (
    Number.isSafeInteger(value.lobbyId) &&
    Number.isInteger(value.port) &&
    Number.isFinite(value.joinTimeoutMs) &&
    strings.every((k) => typeof value[k] === 'string') &&
    Array.isArray(value.players) &&
    value.players.every(isPlayer) &&
    isRecord(value.settings)
  );
}
