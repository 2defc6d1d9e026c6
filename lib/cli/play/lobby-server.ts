/**
 * From a lobby to a connected game server: wait until the service has started the lobby's
 * server, then connect to it with our certificate, pinning the server's name and exact
 * certificate from the lobby response (README "Accounts, lobbies and game servers"), so no
 * other certificate the service signed, not even another lobby's, can stand in for it.
 *
 * The service has no push channel for lobby changes, so the wait polls `GET /lobby`.
 */
import { ErrorCode } from '../../wire/errors.js';
import { connect, HandshakeFailedError, type Client } from '../../transport/client.js';
import type { LobbyJson, LobbyServerJson } from './api-responses.js';
import { abortable, delay } from './cancellation.js';
import type { GameCredentials } from './game-credentials.js';
import type { ServiceApi } from './service-api.js';

/** The lobby ended before its game server ran (e.g. `server-failed`, `abandoned`). */
export class LobbyEndedError extends Error {
  override readonly name = 'LobbyEndedError';
  constructor(
    readonly lobbyId: number,
    readonly reason: string | null,
  ) {
    super(`lobby ${lobbyId} ended before the match started (${reason ?? 'no reason given'})`);
  }
}

/** The handshake with the game server failed: it is unreachable, or it refused us. */
export class GameServerJoinError extends Error {
  override readonly name = 'GameServerJoinError';
  constructor(
    readonly address: string,
    readonly unreachable: boolean,
    detail: string,
  ) {
    super(unreachable ? `the game server at ${address} is unreachable (${detail})` : `the game server at ${address} refused us: ${detail}`);
  }
}

export interface AwaitServerOptions {
  readonly signal?: AbortSignal;
  /** Between two looks at the lobby. Default 250 ms. */
  readonly pollMs?: number;
  /** Called with the lobby whenever its status or its member count changed. */
  readonly onChange?: (lobby: LobbyJson) => void;
}

/** Resolves once the lobby's game server runs; rejects with LobbyEndedError if it ends first. */
export async function awaitLobbyServer(api: ServiceApi, lobbyId: number, o: AwaitServerOptions = {}): Promise<{ lobby: LobbyJson; server: LobbyServerJson }> {
  let seen = '';
  for (;;) {
    const lobby = await api.lobby(lobbyId, o.signal);
    const state = `${lobby.status}/${lobby.members.length}`;
    if (state !== seen) {
      seen = state;
      o.onChange?.(lobby);
    }
    if (lobby.status === 'running' && lobby.server !== null) return { lobby, server: lobby.server };
    if (lobby.status === 'ended') throw new LobbyEndedError(lobby.id, lobby.end_reason);
    await delay(o.pollMs ?? 250, o.signal);
  }
}

/**
 * The lobby's end reason once the service has seen its game server exit (after it posted the
 * result); undefined if that takes longer than `timeoutMs`. Until a lobby ends, matchmaking hands
 * its members that same lobby again (it is idempotent for a member), so a player who wants
 * another match waits for this first.
 */
export async function awaitLobbyEnd(api: ServiceApi, lobbyId: number, o: { readonly signal?: AbortSignal; readonly timeoutMs: number; readonly pollMs?: number }): Promise<string | undefined> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const lobby = await api.lobby(lobbyId, o.signal);
    if (lobby.status === 'ended') return lobby.end_reason ?? 'no reason given';
    if (Date.now() >= deadline) return undefined;
    await delay(o.pollMs ?? 200, o.signal);
  }
}

export interface JoinOptions {
  readonly signal?: AbortSignal;
  /** Handshake deadline. Default 5000 ms (the transport's default). */
  readonly timeoutMs?: number;
}

/**
 * Connects to the lobby's game server and resolves once the handshake is done. `attach` wraps
 * the client before the handshake can complete: the game's first message may arrive in the
 * same batch of datagrams that completes it, before any code after an `await` could listen.
 * On failure the client is closed.
 */
export async function joinLobbyServer<T>(
  server: LobbyServerJson,
  credentials: GameCredentials,
  attach: (client: Client) => T,
  o: JoinOptions = {},
): Promise<T> {
  const address = `${server.host}:${server.port}`;
  let client: Client;
  try {
    client = await connect(server.host, server.port, {
      identity: credentials.identity,
      servicePublicKey: credentials.servicePublicKey,
      expectedServer: { accountId: 0n, username: server.server_name, certificate: new Uint8Array(Buffer.from(server.certificate, 'base64')) },
      handshakeTimeoutMs: o.timeoutMs ?? 5000,
    });
  } catch (err) {
    throw new GameServerJoinError(address, true, err instanceof Error ? err.message : String(err));
  }
  const attached = attach(client);
  try {
    await abortable(client.connected, o.signal);
  } catch (err) {
    await client.close();
    if (err instanceof HandshakeFailedError) {
      const noAnswer = err.code.major === ErrorCode.CONNECTION.major && err.code.minor === ErrorCode.CONNECTION.minor;
      throw new GameServerJoinError(address, noAnswer, noAnswer ? err.detail : err.message);
    }
    throw err;
  }
  return attached;
}
